import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOfRecords, parseHeader, readFirstLine } from '../../../pipelines/ingest/csv-text.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('CSV text helpers', () => {
  it('reads the header line of plain and gzip files', async () => {
    const dir = await dirs.make('csv');
    await writeFile(join(dir, 'a.csv'), '\uFEFF"id",date ,store_nbr\r\n1,2,3\r\n');
    await writeFile(join(dir, 'a.csv.gz'), gzipSync('id,date\n1,2\n'));
    await writeFile(join(dir, 'empty.csv'), '');
    expect(parseHeader((await readFirstLine(join(dir, 'a.csv')))!)).toEqual(['id', 'date', 'store_nbr']);
    expect(parseHeader((await readFirstLine(join(dir, 'a.csv.gz')))!)).toEqual(['id', 'date']);
    expect(await readFirstLine(join(dir, 'empty.csv'))).toBeUndefined();
  });

  it('maps record indexes to line numbers, skipping blank lines like the CSV reader', async () => {
    const dir = await dirs.make('csv');
    const text = 'h1,h2\n' + 'a,1\n' + '\n' + 'b,2\r\n' + '\r\n' + '\r\n' + 'c,3\n' + 'd,4';
    await writeFile(join(dir, 'x.csv'), text);
    await writeFile(join(dir, 'x.csv.gz'), gzipSync(text));
    for (const name of ['x.csv', 'x.csv.gz']) {
      const lines = await linesOfRecords(join(dir, name), [0, 1, 2, 3]);
      expect([...lines.entries()].sort()).toEqual([
        [0, 2],
        [1, 4],
        [2, 7],
        [3, 8],
      ]);
    }
  });

  it('stops reading once every requested record is found, across chunk boundaries', async () => {
    const dir = await dirs.make('csv');
    const rows = Array.from({ length: 300_000 }, (_, i) => `${i},${'x'.repeat(i % 17)}`);
    await writeFile(join(dir, 'big.csv'), `id,pad\n${rows.join('\n')}\n`);
    const lines = await linesOfRecords(join(dir, 'big.csv'), [299_999, 5, 131_072]);
    expect(lines).toEqual(new Map([[5, 7], [131_072, 131_074], [299_999, 300_001]]));
  });
});
