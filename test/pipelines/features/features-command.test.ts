import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerFeaturesCommand, runFeatures } from '../../../cli/commands/features.js';
import { DuckDbSession, sqlString } from '../../../core/duckdb-session.js';
import { UsageError } from '../../../core/errors.js';
import { LocalLake } from '../../../core/storage/local-lake.js';
import { FEATURE_NAMES } from '../../../pipelines/features/index.js';
import { ingest } from '../../../pipelines/ingest/index.js';
import { addDays, buildFixture, writeFixture } from '../../support/kaggle-fixture.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
const fixture = buildFixture();
const lastDay = fixture.tables.train.reduce((m, r) => (String(r.date) > m ? String(r.date) : m), '');
const testOrigin = addDays(lastDay, 1);
let lakeDir: string;
let cacheDir: string;

beforeAll(async () => {
  const source = await dirs.make('features-source');
  await writeFixture(source, fixture);
  lakeDir = await dirs.make('features-cli-lake');
  cacheDir = await dirs.make('features-cli-cache');
  await ingest({ source }, { config: localLakeConfig(lakeDir, cacheDir) });
});
afterAll(() => dirs.cleanup());
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Runs `shelfcast <args>` in process on a program with the global options of the real one; returns stdout. */
async function shelfcast(args: string[]): Promise<string> {
  vi.stubEnv('SHELFCAST_CACHE_DIR', cacheDir);
  vi.stubEnv('SHELFCAST_LOG_LEVEL', 'silent');
  const program = new Command('shelfcast').option('--lake <dir>').option('--json').option('--log-level <level>').exitOverride();
  registerFeaturesCommand(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(['--lake', lakeDir, ...args], { from: 'user' });
  return out;
}

describe('shelfcast features', () => {
  it('writes the test-origin table of an ingested lake and reports it as JSON', async () => {
    const file = join(await dirs.make('features-cli-out'), 'test.parquet');
    const report = JSON.parse(await shelfcast(['--json', 'features', '--origin', testOrigin, '--out', file]));
    const pairs = new Set(fixture.tables.train.map((r) => `${r.store_nbr}:${r.item_nbr}`));
    expect(report).toMatchObject({ origin: testOrigin, lastObservedDay: lastDay, rows: pairs.size, columns: 2 + FEATURE_NAMES.length, features: 631, labels: false });
    expect(report.out).toEqual({ path: file, format: 'parquet' });

    // promo_p0 of each pair is its flag in the promotion plan on the test origin.
    const planned = new Set(fixture.tables.test.filter((r) => r.date === testOrigin && r.onpromotion === true).map((r) => `${r.store_nbr}:${r.item_nbr}`));
    const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(cacheDir, 'check') });
    try {
      const rows = await db.rows<{ k: string; p: number }>(`SELECT store_nbr || ':' || item_nbr AS k, promo_p0 AS p FROM read_parquet(${sqlString(file)})`);
      expect(rows.filter((r) => r.p === 1).map((r) => r.k).sort()).toEqual([...planned].filter((k) => pairs.has(k)).sort());
    } finally {
      db.close();
    }
  });

  it('builds in memory without --out and prints a summary', async () => {
    const text = await shelfcast(['features', '--origin', testOrigin]);
    expect(text).toMatch(new RegExp(`^Features at origin ${testOrigin} \\(last observed day ${lastDay}\\): built in memory`));
    expect(text).toMatch(/\n18 rows × 633 columns \(631 features\) in \d+\.\d s\n$/);
  });

  it('rejects a malformed origin, a missing origin and an unknown output format with a UsageError', async () => {
    const deps = { lake: new LocalLake(lakeDir), cacheDir };
    await expect(runFeatures({ origin: '2017-1-5' }, deps)).rejects.toThrow(new UsageError('--origin "2017-1-5" is not a date: expected YYYY-MM-DD, e.g. 2017-08-16'));
    await expect(runFeatures({}, deps)).rejects.toThrow(new UsageError('--origin YYYY-MM-DD is required: the first forecast day'));
    await expect(runFeatures({ origin: testOrigin, out: 'features.xlsx' }, deps)).rejects.toThrow(UsageError);
    const missingDir = join(lakeDir, 'no-such-dir', 'f.csv');
    await expect(runFeatures({ origin: testOrigin, out: missingDir }, deps)).rejects.toThrow(`--out ${missingDir}: directory ${join(lakeDir, 'no-such-dir')} does not exist`);
    expect(existsSync(join(lakeDir, 'no-such-dir'))).toBe(false);
  });
});
