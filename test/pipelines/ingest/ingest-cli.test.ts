import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFixture, writeFixture } from '../../support/kaggle-fixture.js';
import { fileTree } from '../../support/file-tree.js';
import { runCli } from '../../support/run-cli.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('shelfcast ingest', () => {
  it('prints the report as JSON, then as text on a second run, and exits 0', async () => {
    const source = await dirs.make('source');
    await writeFixture(source, buildFixture());
    const lake = await dirs.make('lake');
    const env = { SHELFCAST_CACHE_DIR: await dirs.make('cache'), SHELFCAST_LOG_LEVEL: 'silent' };
    const first = await runCli(['--lake', lake, '--json', 'ingest', '--source', source], env);
    expect(first.code, `signal ${first.signal}: ${first.stderr}`).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.files.loaded).toHaveLength(7);
    expect(report.train.added.length).toBeGreaterThan(0);
    expect(typeof report.seconds).toBe('number');

    const second = await runCli(['--lake', lake, 'ingest', '--source', source], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already loaded: 7/);
    expect(second.stdout).toMatch(/train dates: 0 added, 0 replaced, 0 unchanged/);
  });

  it('exits 2 with the located message on bad input and leaves the lake untouched', async () => {
    const source = await dirs.make('source');
    await writeFixture(source, buildFixture());
    await writeFile(join(source, 'items.csv'), 'item_nbr,family,class,perishable\n103520,GROCERY I,1000,yes\n');
    const lake = await dirs.make('lake');
    const result = await runCli(['--lake', lake, 'ingest', '--source', source], { SHELFCAST_CACHE_DIR: await dirs.make('cache'), SHELFCAST_LOG_LEVEL: 'silent' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('shelfcast: items.csv, line 2, column perishable: "yes" is not an integer up to 32767 (SMALLINT)\n');
    expect(await fileTree(lake)).toEqual({});
  });

  it('exits 2 when --source is missing, does not exist or is a file', async () => {
    const missing = await runCli(['--lake', await dirs.make('lake'), 'ingest'], { SHELFCAST_LOG_LEVEL: 'silent' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--source/);
    const nowhere = await runCli(['--lake', await dirs.make('lake'), 'ingest', '--source', '/nonexistent/favorita'], { SHELFCAST_LOG_LEVEL: 'silent' });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toBe('shelfcast: --source /nonexistent/favorita: no such directory\n');
    const source = await dirs.make('source');
    await writeFile(join(source, 'train.csv'), 'id,date,store_nbr,item_nbr,unit_sales,onpromotion\n');
    const file = await runCli(['--lake', await dirs.make('lake'), 'ingest', '--source', join(source, 'train.csv')], { SHELFCAST_LOG_LEVEL: 'silent' });
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/train\.csv: not a directory; pass the directory that holds the files/);
  });
});
