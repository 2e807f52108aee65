/**
 * The embedded tracker (no MLFLOW_TRACKING_URI) with its artifacts in S3: an S3-compatible server (moto) on
 * loopback, the local `mlflow server` started by openTracker and reused by the next call, a run published through
 * it, the files in the bucket, and the registered model loaded back by MLflow's Python client.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMlflowServer, readServerState } from '../../../core/mlflow/index.js';
import { FEATURE_NAMES } from '../../../pipelines/features/index.js';
import { RUN_FILES } from '../../../training/bundle/index.js';
import { ALIASES, EMBEDDED_STATE_FILE, horizonKey, METRIC_KEYS, openTracker, type Tracker } from '../../../training/tracking/index.js';
import type { TrainRunResult } from '../../../training/train-run.js';
import { startMotoServer, useDummyAwsCredentials, type MotoServer } from '../../support/moto-server.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';
import { publish, readBackWithPython, trainQuick } from '../../support/tracking-fixture.js';

const BUCKET = 'shelfcast-mlflow';
const dirs = tempDirs();
let moto: MotoServer;
let restoreCredentials: () => void;
let tiny: TinyLake;
let run: TrainRunResult;
let mlflowDir: string;
let tracker: Tracker;

const config = () => ({
  mlflowTrackingUri: undefined,
  mlflowAuth: undefined,
  mlflowEmbedded: { dir: mlflowDir, artifacts: `s3://${BUCKET}/mlflow` },
  s3: { region: 'us-east-1', endpoint: moto.endpoint },
});

beforeAll(async () => {
  restoreCredentials = useDummyAwsCredentials();
  moto = await startMotoServer();
  await moto.createBucket(BUCKET);
  mlflowDir = await dirs.make('embedded-mlflow');
  let started: Tracker;
  [started, tiny] = await Promise.all([openTracker(config()), tinyLake(dirs, 's3', 31)]);
  tracker = started;
  run = await trainQuick(tiny, 's3-run');
}, 180_000);
afterAll(async () => {
  const state = mlflowDir ? await readServerState(join(mlflowDir, EMBEDDED_STATE_FILE)) : undefined;
  if (state) await (await LocalMlflowServer.attach(state))?.stop();
  tiny?.lake.close();
  await moto?.stop();
  restoreCredentials?.();
  await dirs.cleanup();
});

describe('the embedded tracker with S3 artifacts', () => {
  it('starts a local server once and reuses it', async () => {
    expect(tracker.embedded).toMatchObject({ dataDir: mlflowDir, reused: false });
    expect(tracker.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const again = await openTracker(config());
    expect(again.embedded).toMatchObject({ reused: true, pid: tracker.embedded!.pid });
    expect(again.uiUrl).toBe(tracker.uiUrl);
  });

  it('publishes a run whose artifacts land in the bucket and load back from the registry', async () => {
    const names = { experimentName: 'shelfcast', modelName: 'favorita-unit-sales' };
    const result = await publish(tracker.client, run.dir, names, tiny.lake, tiny.cacheDir);
    expect(result).toMatchObject({ version: '1', gate: { promoted: true } });

    const s3 = moto.client();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'mlflow/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    const modelPrefix = `mlflow/${result.experimentId}/${result.mlflowRunId}/artifacts/model/`;
    expect(keys).toEqual(expect.arrayContaining([`${modelPrefix}MLmodel`, `${modelPrefix}model.onnx`, `${modelPrefix}run.json`, `${modelPrefix}lightgbm/h00.txt`]));
    expect(keys).toContain(`mlflow/${result.experimentId}/${result.mlflowRunId}/artifacts/plots/learning_curves.svg`);
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${modelPrefix}model.onnx` }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(await readFile(join(run.dir, RUN_FILES.onnx)))).toBe(true);

    const rows = 50;
    const x = new Float32Array(rows * FEATURE_NAMES.length).map((_, i) => (i % 7 === 0 ? Number.NaN : (i % 13) / 4));
    const { report } = await readBackWithPython(
      tracker.uiUrl,
      { runId: result.mlflowRunId, model: names.modelName, alias: ALIASES.champion, curveKey: horizonKey(METRIC_KEYS.curve, 15), x, rows, cols: FEATURE_NAMES.length },
      await dirs.make('s3-readback'),
    );
    expect(report.version.version).toBe('1');
    expect(report.flavors).toEqual(['onnx', 'python_function']);
    expect(report.output_shape).toEqual([rows, 16]);
    expect(report.pyfunc_max_abs_diff).toBe(0);
    expect(report.metrics[METRIC_KEYS.model]).toBeCloseTo(run.manifest.scores.model.overall, 12);
    const curves = JSON.parse(await readFile(join(run.dir, RUN_FILES.learningCurves), 'utf8')) as { horizons: number[][] };
    expect(report.curve_steps).toHaveLength(curves.horizons[15].length);
  });
});
