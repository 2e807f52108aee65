import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../../../pipelines/ingest/index.js';
import { buildFixture, writeFixture } from '../../support/kaggle-fixture.js';
import { runCli } from '../../support/run-cli.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('shelfcast data profile', () => {
  it('says an empty lake is empty and exits 0', async () => {
    const lake = await dirs.make('lake');
    const env = { SHELFCAST_CACHE_DIR: await dirs.make('cache'), SHELFCAST_LOG_LEVEL: 'silent' };
    const text = await runCli(['--lake', lake, 'data', 'profile'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`The lake at ${lake} holds no data yet; load some with \`shelfcast ingest --source DIR\`.\n`);
    const json = await runCli(['--lake', lake, 'data', 'profile', '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ empty: true, sales: null, files: [] });
  });

  it('prints the profile of a loaded lake as JSON', async () => {
    const fixture = buildFixture();
    const source = await dirs.make('source');
    await writeFixture(source, fixture);
    const lake = await dirs.make('lake');
    const cache = await dirs.make('cache');
    await ingest({ source }, { config: localLakeConfig(lake, cache) });
    const result = await runCli(['--lake', lake, 'data', 'profile', '--json'], { SHELFCAST_CACHE_DIR: cache, SHELFCAST_LOG_LEVEL: 'silent' });
    expect(result.code, `signal ${result.signal}: ${result.stderr}`).toBe(0);
    const profile = JSON.parse(result.stdout);
    expect(profile.sales.rows).toBe(fixture.tables.train.length);
    expect(profile.sales.closedDays).toEqual(['2016-12-25']);
    expect(profile.files).toHaveLength(7);
  });
});
