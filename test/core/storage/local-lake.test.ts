import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalLake } from '../../../core/storage/local-lake.js';
import { openLake } from '../../../core/storage/open-lake.js';
import { lakeContract } from '../../support/lake-contract.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('LocalLake', () => {
  lakeContract(async () => ({ lake: new LocalLake(await dirs.make('lake')), scratch: await dirs.make('scratch') }));

  it('writes through a hidden temporary name, so the directory never shows a half-written object', async () => {
    const root = await dirs.make('lake');
    const lake = new LocalLake(root);
    await lake.writeJson('_ledger/ledger.json', { a: 1 });
    expect(await readdir(join(root, '_ledger'))).toEqual(['ledger.json']);
  });

  it('lists no leftovers of interrupted writes and removes them with empty directories', async () => {
    const root = await dirs.make('lake');
    const lake = new LocalLake(root);
    await mkdir(join(root, 'staging/train/date=2017-01-01'), { recursive: true });
    await mkdir(join(root, 'staging/train/date=2017-01-02'), { recursive: true });
    await writeFile(join(root, 'staging/train/date=2017-01-01/.data.parquet.123-abcd.partial'), 'half');
    await writeFile(join(root, 'staging/train/date=2017-01-02/.data.parquet.124-abcd.partial'), 'half');
    await writeFile(join(root, 'staging/train/date=2017-01-02/data.parquet'), 'whole');
    expect((await lake.list('staging/')).map((o) => o.key)).toEqual(['staging/train/date=2017-01-02/data.parquet']);
    expect(await lake.removeIncomplete('staging/')).toBe(2);
    expect(existsSync(join(root, 'staging/train/date=2017-01-01'))).toBe(false);
    expect(await readdir(join(root, 'staging/train/date=2017-01-02'))).toEqual(['data.parquet']);
  });

  it('is what openLake returns for a directory', () => {
    const lake = openLake({ lake: 'some/dir', cacheDir: 'cache', s3: { region: 'us-east-1' } });
    expect(lake).toBeInstanceOf(LocalLake);
    expect(lake.location).toMatch(/some\/dir$/);
  });
});
