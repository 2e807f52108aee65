import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '../../../core/storage/local-lake.js';
import { ingest, readLedger, type Ledger } from '../../../pipelines/ingest/index.js';
import { fileTree } from '../../support/file-tree.js';
import { buildFixture, rng, rowsPerDate, writeFixture } from '../../support/kaggle-fixture.js';
import { runCli, spawnCli } from '../../support/run-cli.js';
import { queryStaging } from '../../support/staging-reader.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
// Enough dates that a run spends a fair share of its time publishing partitions.
const fixture = buildFixture({ start: '2016-11-01', days: 70, stores: 4, items: 8, seed: 11, promoFrom: '2016-12-01' });
let source: string;
let reference: string;

beforeAll(async () => {
  source = await dirs.make('source');
  await writeFixture(source, fixture);
  reference = await dirs.make('lake');
  await ingest({ source }, { config: localLakeConfig(reference, await dirs.make('cache')) });
});
afterAll(() => dirs.cleanup());

const withoutTimes = (l: Ledger): unknown =>
  JSON.parse(JSON.stringify(l, (k, v: unknown) => (k === 'loaded_at' || k === 'updated_at' ? '<time>' : v)));

/** Starts `shelfcast ingest` and SIGKILLs it after `delayMs`, or once it has published `afterObjects` objects. */
async function killedRun(lake: string, cache: string, kill: { delayMs: number } | { afterObjects: number }): Promise<string> {
  const child = spawnCli(['--lake', lake, '--log-level', 'debug', 'ingest', '--source', source], { SHELFCAST_CACHE_DIR: cache });
  let published = 0;
  let log = '';
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  child.stdout!.resume();
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
    published = (log.match(/ingest: published/g) ?? []).length;
    if ('afterObjects' in kill && published >= kill.afterObjects) child.kill('SIGKILL');
  });
  if ('delayMs' in kill) setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
  return exited;
}

/** The ledger never runs ahead of the data: every partition it lists is in place. */
async function ledgerIsBackedByData(lake: string): Promise<void> {
  const ledger = await readLedger(new LocalLake(lake));
  for (const entry of [...Object.values(ledger.partitions.train), ...Object.values(ledger.partitions.test), ...Object.values(ledger.tables)]) {
    expect(existsSync(join(lake, entry!.key)), entry!.key).toBe(true);
  }
}

describe('ingest survives SIGKILL at any point', () => {
  it('leaves, after kills and a rerun, the staging of a clean run: no duplicate and no missing day', async () => {
    const lake = await dirs.make('lake');
    const cache = await dirs.make('cache');
    const started = Date.now();
    const clean = await runCli(['--lake', await dirs.make('lake'), 'ingest', '--source', source], { SHELFCAST_CACHE_DIR: await dirs.make('cache') });
    expect(clean.code, `signal ${clean.signal}: ${clean.stderr}`).toBe(0);
    const cleanMs = Date.now() - started;

    const random = rng(20240607);
    const kills: string[] = [];
    for (let round = 0; round < 6; round++) {
      const kill = round % 2 === 0 ? { delayMs: Math.round(cleanMs * (0.2 + 0.7 * random())) } : { afterObjects: 1 + Math.floor(random() * 40) };
      kills.push(`${JSON.stringify(kill)} -> ${await killedRun(lake, cache, kill)}`);
      await ledgerIsBackedByData(lake);
    }
    expect(kills.filter((k) => k.endsWith('SIGKILL')).length, kills.join('\n')).toBeGreaterThanOrEqual(3);

    const rerun = await runCli(['--lake', lake, '--json', 'ingest', '--source', source], { SHELFCAST_CACHE_DIR: cache });
    expect(rerun.code, `signal ${rerun.signal}: ${rerun.stderr}`).toBe(0);

    expect(await fileTree(join(lake, 'staging'))).toEqual(await fileTree(join(reference, 'staging')));
    expect(withoutTimes(await readLedger(new LocalLake(lake)))).toEqual(withoutTimes(await readLedger(new LocalLake(reference))));
    const perDate = await queryStaging<{ d: string; n: string; distinct_keys: string }>(
      lake,
      'SELECT date::VARCHAR AS d, count(*) AS n, count(DISTINCT (store_nbr, item_nbr)) AS distinct_keys FROM {train} GROUP BY 1 ORDER BY 1',
    );
    expect(new Map(perDate.map((r) => [r.d, Number(r.n)]))).toEqual(rowsPerDate(fixture.tables.train));
    for (const r of perDate) expect(r.distinct_keys).toBe(r.n);
  }, 90_000);
});
