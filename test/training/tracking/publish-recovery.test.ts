/**
 * When the tracker is away: `shelfcast train` against an unreachable MLflow still writes a complete run directory and
 * exits 0, `shelfcast runs publish DIR` logs it later (twice is once), and a publish survives the server being
 * stopped and restarted in the middle of it.
 */
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../../core/loopback-port.js';
import { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { readRunBundle, RUN_FILES, type RunManifest } from '../../../training/bundle/index.js';
import { TRACKING_TAGS } from '../../../training/tracking/index.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { startTestMlflow, uniqueName, type TestMlflow } from '../../support/mlflow-server.js';
import { runCli } from '../../support/run-cli.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';
import { publish, QUICK_FLAGS } from '../../support/tracking-fixture.js';

const dirs = tempDirs();
let mlflow: TestMlflow;
let tiny: TinyLake;
let runDir: string;
const names = { experimentName: uniqueName('outage'), modelName: uniqueName('outage-model') };

beforeAll(async () => {
  [mlflow, tiny] = await Promise.all([startTestMlflow(), tinyLake(dirs, 'recovery', 23)]);
}, 180_000);
afterAll(async () => {
  tiny?.lake.close();
  await mlflow?.stop();
  await dirs.cleanup();
});

const env = (trackingUri: string): NodeJS.ProcessEnv => ({
  MLFLOW_TRACKING_URI: trackingUri,
  SHELFCAST_EXPERIMENT: names.experimentName,
  SHELFCAST_MODEL_NAME: names.modelName,
  SHELFCAST_CACHE_DIR: tiny.cacheDir,
  SHELFCAST_LOG_LEVEL: 'silent',
});

describe('an unreachable tracker', () => {
  it('leaves a complete run directory, says so, and exits 0 from train', async () => {
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
    const r = await runCli(['--lake', tiny.lake.location, 'train', ...QUICK_FLAGS, '--runs-dir', tiny.runsDir], env(closed));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [id] = await readdir(tiny.runsDir);
    runDir = join(tiny.runsDir, id);
    expect(r.stdout).toContain(`Run directory: ${runDir} (`);
    expect(r.stdout).toMatch(/, reference_sample\.parquet\)\n/);
    expect(r.stdout).toMatch(new RegExp(`Tracking: NOT logged, the tracker failed: .*${closed.replace(/[.]/g, '\\.')}`));
    expect(r.stdout).toContain(`The run directory is complete. Log it when the tracker is back: shelfcast runs publish ${runDir}`);
    expect((await readRunBundle(runDir)).manifest.files).toHaveProperty('MLmodel');
  });

  it('publishes the run directory later with `runs publish`, once however often it is called', async () => {
    const first = await runCli(['runs', 'publish', runDir], env(mlflow.server.trackingUri));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^Published run ${runDir.split('/').at(-1)} to MLflow at ${mlflow.server.trackingUri}\n`));
    expect(first.stdout).toMatch(new RegExp(`model ${names.modelName} version 1 @champion: no champion yet`));
    expect(first.stdout).not.toContain('note: the run directory has no');

    const again = await runCli(['--json', 'runs', 'publish', runDir], env(mlflow.server.trackingUri));
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout) as { result: { published: boolean; version: string; experimentId: string; mlflowRunId: string }; runUrl: string };
    expect(result.result).toMatchObject({ published: false, version: '1' });
    expect(result.runUrl).toBe(`${mlflow.server.trackingUri}/#/experiments/${result.result.experimentId}/runs/${result.result.mlflowRunId}`);
    expect((await mlflow.client.runs.search({ experimentIds: [result.result.experimentId] })).items).toHaveLength(1);
    expect((await mlflow.client.registry.searchVersions({ filter: `name = '${names.modelName}'` })).items).toHaveLength(1);
  });

  it('publishes a run directory from before reference samples, with a note', async () => {
    // The same run as one trained before the bundle carried a reference sample: no file, not in run.json.
    const legacy = join(await dirs.make('legacy'), 'legacy-run');
    await cp(runDir, legacy, { recursive: true });
    await rm(join(legacy, RUN_FILES.referenceSample));
    const manifest = JSON.parse(await readFile(join(legacy, RUN_FILES.manifest), 'utf8')) as RunManifest;
    const { [RUN_FILES.referenceSample]: _dropped, ...files } = manifest.files;
    const { referenceSample: _setting, ...settings } = manifest.settings;
    await writeFile(join(legacy, RUN_FILES.manifest), JSON.stringify({ ...manifest, runId: 'legacy', settings, rows: { ...manifest.rows, reference: undefined }, files }));

    const r = await runCli(['runs', 'publish', legacy], env(mlflow.server.trackingUri));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Published run legacy to MLflow at /);
    expect(r.stdout).toContain(`  note: the run directory has no ${RUN_FILES.referenceSample} (trained before runs carried one): drift monitoring has no reference for this version`);
    const versions = await mlflow.client.registry.searchVersions({ filter: `name = '${names.modelName}'` });
    expect(versions.items.map((v) => v.version).sort()).toEqual(['1', '2']);
  });
});

describe('a tracker that restarts during a publish', () => {
  let proxy: FaultProxy;
  afterAll(() => proxy?.close());

  it('retries through the outage and ends with one run, one version and every artifact', async () => {
    proxy = await startFaultProxy(mlflow.server.trackingUri);
    let restart: Promise<void> | undefined;
    // The first artifact upload stops the server; it comes back on the same port and data 10–40 s later.
    proxy.decide = (method, path) => {
      if (method === 'PUT' && path.includes('/mlflow-artifacts/') && !restart) restart = mlflow.restart();
      return 'forward';
    };
    const patient = MlflowClient.create({ trackingUri: proxy.url, retry: { maxAttempts: 60, initialDelayMs: 250, maxDelayMs: 2000, maxElapsedMs: 110_000 } });
    const other = { experimentName: uniqueName('restart'), modelName: uniqueName('restart-model') };
    const result = await publish(patient, runDir, other, tiny.lake, tiny.cacheDir);
    expect(restart).toBeDefined();
    await restart;
    expect(result).toMatchObject({ version: '1', published: true, gate: { promoted: true } });
    // Calls were repeated while the server was down.
    const puts = proxy.seen.filter((s) => s.method === 'PUT').map((s) => s.path);
    expect(puts.length).toBeGreaterThan(new Set(puts).size);

    const client = mlflow.client;
    expect((await client.runs.search({ experimentIds: [result.experimentId] })).items).toHaveLength(1);
    expect((await client.registry.searchVersions({ filter: `name = '${other.modelName}'` })).items).toHaveLength(1);
    const run = await client.runs.get(result.mlflowRunId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.tags[TRACKING_TAGS.publishedVersion]).toBe('1');
    const bundle = await readRunBundle(runDir);
    const uploaded = await client.artifacts.list(`${result.experimentId}/${result.mlflowRunId}/artifacts/model`);
    const expected = new Set([...Object.keys(bundle.manifest.files).map((f) => f.split('/')[0]), 'run.json']);
    expect(new Set(uploaded.map((a) => a.path.split('/').at(-1)))).toEqual(expected);
  }, 180_000);
});
