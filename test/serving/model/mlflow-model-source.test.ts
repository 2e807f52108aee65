/**
 * Serving from the MLflow registry against a real `mlflow server`: the source follows `@champion`, a server switches
 * when `shelfcast models promote` moves the alias (polled, no request failing), a missing champion is a clear
 * usage error (exit 2 from `shelfcast serve`), and a downloaded version is reused from the cache without the tracker.
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { MlflowModelSource } from '../../../serving/model/mlflow-model-source.js';
import type { ModelRef } from '../../../serving/model/model-source.js';
import { parseModelUri } from '../../../serving/model/model-uri.js';
import { promoteVersion } from '../../../training/tracking/index.js';
import { startTestMlflow, uniqueName, type TestMlflow } from '../../support/mlflow-server.js';
import { runCli } from '../../support/run-cli.js';
import { call, qs, TINY_ORIGIN, tinyTestQueries, trainTinyRun, startTinyServer, waitFor } from '../../support/serving-fixture.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { publish } from '../../support/tracking-fixture.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';

const dirs = tempDirs();
let mlflow: TestMlflow;
let tiny: TinyLake;
let modelName: string;
let queries: { store_nbr: number; item_nbr: number; date: string }[];

beforeAll(async () => {
  [mlflow, tiny] = await Promise.all([startTestMlflow(), tinyLake(dirs, 'mlflow-source', 52)]);
  modelName = uniqueName('serve-model');
  const names = { experimentName: uniqueName('serve-exp'), modelName };
  // Two versions that forecast differently; whichever the gate made champion, version 1 is champion to start with.
  for (const [runId, rounds] of [['run-a', 20], ['run-b', 4]] as const) {
    await publish(mlflow.client, await trainTinyRun(tiny, tiny.runsDir, runId, rounds), names, tiny.lake, tiny.cacheDir);
  }
  await promoteVersion(mlflow.client, modelName, '1', { by: 'test setup' });
  queries = await tinyTestQueries(tiny);
}, 300_000);
afterAll(async () => {
  tiny?.lake.close();
  await mlflow?.stop();
  await dirs.cleanup();
});

const championSource = async (cacheDir?: string): Promise<MlflowModelSource> =>
  new MlflowModelSource({ uri: parseModelUri('--model-uri', `models:/${modelName}@champion`), cacheDir: cacheDir ?? (await dirs.make('model-cache')) }, { client: mlflow.client });

describe('MlflowModelSource', () => {
  it('resolves @champion to its version and shelfcast run, and loads the downloaded bundle', async () => {
    const source = await championSource();
    const ref = await source.current();
    expect(ref).toEqual({ name: modelName, version: '1', runId: 'run-a', location: `models:/${modelName}/1` });
    expect(source.description).toBe(`models:/${modelName}@champion at ${mlflow.client.trackingUri}`);
    const model = await source.load(ref);
    expect(model.identity).toMatchObject({ ...ref, lastObservedDay: '2017-08-15' });
    expect(model.onnxPath).toMatch(new RegExp(`models/${modelName}/v1-run-a/model\\.onnx$`));
  });

  it('reuses a downloaded version without the tracker, and downloads a damaged one again', async () => {
    const cacheDir = await dirs.make('model-cache-reuse');
    const ref: ModelRef = await (await championSource(cacheDir)).current();
    const first = await (await championSource(cacheDir)).load(ref);
    const written = (await stat(first.onnxPath)).mtimeMs;

    // A client of a port nothing listens on: the load can only come from the cache.
    const offline = MlflowClient.create({ trackingUri: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } });
    const cachedOnly = new MlflowModelSource({ uri: { name: modelName, alias: 'champion' }, cacheDir }, { client: offline });
    const again = await cachedOnly.load(ref);
    expect(again.onnxPath).toBe(first.onnxPath);
    expect((await stat(again.onnxPath)).mtimeMs).toBe(written);

    // A cached file that no longer matches run.json is not served: the version is fetched and checked again.
    await writeFile(first.onnxPath, 'not a model');
    await expect(cachedOnly.load(ref)).rejects.toThrow(/127\.0\.0\.1:9/);
    const repaired = await (await championSource(cacheDir)).load(ref);
    expect((await stat(repaired.onnxPath)).size).toBeGreaterThan(1000);
  });

  it('says how to get a champion when the alias is not set', async () => {
    const none = uniqueName('no-champion');
    await mlflow.client.registry.createModel(none);
    const source = new MlflowModelSource({ uri: { name: none, alias: 'champion' }, cacheDir: await dirs.make('model-cache-none') }, { client: mlflow.client });
    const err = await source.current().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      `models:/${none}@champion at ${mlflow.client.trackingUri}: no version has the alias @champion yet; ` +
        '`shelfcast train` registers a version and its promotion gate makes it champion, or `shelfcast models promote VERSION`',
    );
  });
});

describe('serving @champion', () => {
  it('switches to the version `shelfcast models promote` made champion on the next poll, failing no request', async () => {
    const server = await startTinyServer(tiny, dirs, { source: await championSource(), pollIntervalMs: 250 });
    try {
      await server.ready;
      expect((await call(server.url, '/v1/model')).body).toMatchObject({ name: modelName, version: '1', run_id: 'run-a', origin: TINY_ORIGIN });

      const failures: string[] = [];
      const seen: string[][] = [[], [], []];
      let stop = false;
      const client = async (k: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const q = queries[(i * 3 + k) % queries.length];
          const res =
            k === 0
              ? await call(server.url, `/v1/forecast?${qs(q)}`)
              : k === 1
                ? await call(server.url, `/v1/forecast/series?${qs({ store_nbr: q.store_nbr, item_nbr: q.item_nbr })}`)
                : await call(server.url, '/v1/forecast', { body: { queries: queries.slice(i % 500, (i % 500) + 20) } });
          if (res.status === 200) seen[k].push(res.body.model.version);
          else failures.push(`${res.status}: ${JSON.stringify(res.body)}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const clients = [0, 1, 2].map(client);
      await waitFor(() => seen.every((s) => s.length >= 5));

      const promoted = await runCli(['models', 'promote', '2'], { MLFLOW_TRACKING_URI: mlflow.client.trackingUri, SHELFCAST_MODEL_NAME: modelName });
      expect(promoted.stdout).toContain(`Promoted: @champion of ${modelName} moved from version 1 to version 2`);
      await waitFor(async () => (await call(server.url, '/v1/model')).body.version === '2', 90_000);
      const atSwitch = seen.map((s) => s.length);
      await waitFor(() => seen.every((s, k) => s.length >= atSwitch[k] + 5));
      stop = true;
      await Promise.all(clients);

      expect(failures).toEqual([]);
      expect((await call(server.url, '/v1/model')).body).toMatchObject({ version: '2', run_id: 'run-b' });
      // Each client's requests run one after another: once one saw version 2, none after it saw version 1.
      for (const versions of seen) {
        expect(versions[0]).toBe('1');
        expect(versions.slice(versions.indexOf('2'))).toEqual(versions.slice(versions.indexOf('2')).map(() => '2'));
      }
    } finally {
      await server.close();
    }
  });

  it('`shelfcast serve` exits 2 naming the fix when the model has no champion', async () => {
    const none = uniqueName('no-champion-cli');
    const root = await dirs.make('serve-no-champion');
    const result = await runCli(['--lake', tiny.lake.location, 'serve', '--port', '0', '--model-uri', `models:/${none}@champion`], {
      MLFLOW_TRACKING_URI: mlflow.client.trackingUri,
      SHELFCAST_CACHE_DIR: join(root, 'cache'),
      SHELFCAST_MONITORING_DB: join(root, 'monitoring.duckdb'),
      SHELFCAST_LOG_LEVEL: 'warn',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Model source: models:/${none}@champion at ${mlflow.client.trackingUri} (--model-uri)`);
    expect(result.stderr).toMatch(new RegExp(`shelfcast: models:/${none}@champion at \\S+: no version has the alias @champion yet; \`shelfcast train\``));
  });
});
