/**
 * Train → log → register → gate → promote on tiny data against a real `mlflow server` on loopback, read back with
 * MLflow's own Python client. Three runs: a good one (A) and a deliberately weak one (W) on the same validation
 * window, and one (B) trained after a week of daily drops moved the window on, so the gate must rescore A.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingNotFoundError } from '../../../core/errors.js';
import { ingest } from '../../../pipelines/ingest/index.js';
import { buildFeatures, FEATURE_NAMES, stagingTablesFromLake } from '../../../pipelines/features/index.js';
import { boosterFile, OnnxForecaster, RUN_FILES } from '../../../training/bundle/index.js';
import { nwrmsle } from '../../../training/evaluation/index.js';
import { predictHorizons, stackFeatureTables } from '../../../training/horizons/index.js';
import { LightGbmLibrary } from '../../../training/lightgbm/index.js';
import { ALIASES, horizonKey, METRIC_KEYS, TRACKING_TAGS, type PublishResult } from '../../../training/tracking/index.js';
import type { TrainRunResult } from '../../../training/train-run.js';
import { startTestMlflow, uniqueName, type TestMlflow } from '../../support/mlflow-server.js';
import { runCli } from '../../support/run-cli.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';
import { publish, readBackWithPython, trainQuick } from '../../support/tracking-fixture.js';

const dirs = tempDirs();
let mlflow: TestMlflow;
let tiny: TinyLake;
let runA: TrainRunResult;
let runW: TrainRunResult;
const names = { experimentName: uniqueName('shelfcast'), modelName: uniqueName('favorita-unit-sales') };
let published: PublishResult;

beforeAll(async () => {
  [mlflow, tiny] = await Promise.all([startTestMlflow(), tinyLake(dirs, 'gate', 11, 7)]);
  runA = await trainQuick(tiny, 'a');
  // One round at a tiny learning rate: next to the mean, certainly worse than A's early-stopped best round.
  runW = await trainQuick(tiny, 'w', { maxRounds: 1, params: { num_threads: 1, learning_rate: 0.01 } });
}, 180_000);
afterAll(async () => {
  tiny?.lake.close();
  await mlflow?.stop();
  await dirs.cleanup();
});

describe('publishing a run', () => {
  it('logs params, metrics, curves and artifacts, registers a version and makes the first one champion', async () => {
    published = await publish(mlflow.client, runA.dir, names, tiny.lake, tiny.cacheDir);
    expect(published).toMatchObject({ shelfcastRunId: 'a', experimentName: names.experimentName, modelName: names.modelName, version: '1', published: true });
    expect(published.gate).toMatchObject({ promoted: true, recorded: false, challengerNwrmsle: runA.manifest.scores.model.overall });
    expect(published.gate.reason).toMatch(/^no champion yet: version 1/);

    const artifacts = await mlflow.client.artifacts.list(`${published.experimentId}/${published.mlflowRunId}/artifacts`);
    expect(artifacts.map((a) => a.path.split('/').at(-1)).sort()).toEqual(['model', 'plots', 'report.md']);
    const svg = join(await dirs.make('svg'), 'curves.svg');
    await mlflow.client.artifacts.download(`${published.experimentId}/${published.mlflowRunId}/artifacts/plots/learning_curves.svg`, svg);
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);

    // Independently: MLflow's Python client, and the champion's model.onnx in Python onnxruntime against ours.
    const origin = runA.manifest.origins.validation;
    const table = await buildFeatures(await stagingTablesFromLake(tiny.lake, origin), { origin, labels: true }, { cacheDir: tiny.cacheDir });
    const scratch = await dirs.make('readback');
    const { report, output } = await readBackWithPython(
      mlflow.server.trackingUri,
      { runId: published.mlflowRunId, model: names.modelName, alias: ALIASES.champion, curveKey: horizonKey(METRIC_KEYS.curve, 0), x: table.values, rows: table.rows, cols: FEATURE_NAMES.length },
      scratch,
    );
    const m = runA.manifest;
    expect(report.status).toBe('FINISHED');
    expect(report.params).toMatchObject({
      'lgbm.learning_rate': '0.1',
      'lgbm.num_threads': '1',
      max_rounds: '40',
      'data_window.from': m.dataWindow.from,
      'data_window.to': m.dataWindow.to,
      'origin.validation': origin,
      'origins.training': m.origins.training.join(','),
      'rows.training': String(m.rows.training),
      'rows.validation': String(m.rows.validation),
      feature_count: String(FEATURE_NAMES.length),
      shelfcast_version: m.shelfcastVersion,
    });
    expect(report.params.feature_spec_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.metrics[METRIC_KEYS.model]).toBeCloseTo(m.scores.model.overall, 12);
    expect(report.metrics[METRIC_KEYS.baseline]).toBeCloseTo(m.scores.baseline.overall, 12);
    for (let h = 0; h < 16; h++) expect(report.metrics[horizonKey(METRIC_KEYS.model, h)]).toBeCloseTo(m.scores.model.perHorizon[h], 12);
    const curve = JSON.parse(await readFile(join(runA.dir, RUN_FILES.learningCurves), 'utf8')) as { horizons: number[][] };
    expect(report.curve_steps).toEqual(curve.horizons[0].map((_, i) => i + 1));
    expect(report.tags).toMatchObject({ [TRACKING_TAGS.runId]: 'a', [TRACKING_TAGS.lake]: tiny.lake.location, [TRACKING_TAGS.dataWindow]: `${m.dataWindow.from}..${m.dataWindow.to}` });
    expect(report.version).toMatchObject({ version: '1', run_id: published.mlflowRunId, aliases: expect.arrayContaining(['champion', 'challenger']) });
    expect(report.version.source).toMatch(new RegExp(`/${published.mlflowRunId}/artifacts/model$`));
    expect(report.files).toEqual(
      expect.arrayContaining(['MLmodel', 'model.onnx', 'feature_spec.json', 'run.json', 'requirements.txt', 'python_env.yaml', 'lightgbm/h15.txt', RUN_FILES.referenceSample]),
    );
    expect(report.flavors).toEqual(['onnx', 'python_function']);
    expect(report.output_shape).toEqual([table.rows, 16]);
    expect(report.pyfunc_max_abs_diff).toBe(0);

    const forecaster = await OnnxForecaster.load(join(runA.dir, RUN_FILES.onnx), FEATURE_NAMES.length);
    const ours = (await forecaster.predict(table.values, table.rows)).values;
    await forecaster.release();
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - output[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('publishes the same directory again without a second run or version', async () => {
    const again = await publish(mlflow.client, runA.dir, names, tiny.lake, tiny.cacheDir);
    expect(again).toMatchObject({ mlflowRunId: published.mlflowRunId, version: '1', published: false });
    expect(again.gate.recorded).toBe(true);
    const runs = await mlflow.client.runs.search({ experimentIds: [published.experimentId] });
    expect(runs.items).toHaveLength(1);
    const versions = await mlflow.client.registry.searchVersions({ filter: `name = '${names.modelName}'` });
    expect(versions.items).toHaveLength(1);
  });
});

describe('the promotion gate', () => {
  it('refuses a worse model on the same window and records both scores', async () => {
    const weak = await publish(mlflow.client, runW.dir, names, tiny.lake, tiny.cacheDir);
    expect(weak.version).toBe('2');
    expect(runW.manifest.scores.model.overall).toBeGreaterThan(runA.manifest.scores.model.overall);
    expect(weak.gate).toMatchObject({
      promoted: false,
      challengerNwrmsle: runW.manifest.scores.model.overall,
      champion: { version: '1', nwrmsle: runA.manifest.scores.model.overall, rescored: false },
    });
    expect(weak.gate.reason).toMatch(/^version 2 scores \d\.\d{6} on \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d @ .*, champion version 1 \d\.\d{6} \(trained on this window\): not better, champion kept$/);
    expect((await mlflow.client.registry.getVersionByAlias(names.modelName, 'champion')).version).toBe('1');
    const v2 = await mlflow.client.registry.getVersionByAlias(names.modelName, 'challenger');
    expect(v2.version).toBe('2');
    expect(v2.tags).toMatchObject({
      [TRACKING_TAGS.gate.decision]: 'rejected',
      [TRACKING_TAGS.gate.window]: `${runW.manifest.origins.validation}..${runW.manifest.dataWindow.to} @ ${tiny.lake.location}`,
      [TRACKING_TAGS.gate.championVersion]: '1',
      [TRACKING_TAGS.gate.championRescored]: 'false',
    });
  });

  it('rescores the champion on the challenger window when it was trained on another one', async () => {
    await ingest({ source: join(tiny.dataDir, 'daily') }, { config: localLakeConfig(tiny.lake.location, tiny.cacheDir) });
    const runB = await trainQuick(tiny, 'b');
    const origin = runB.manifest.origins.validation;
    expect(origin).not.toBe(runA.manifest.origins.validation);
    const b = await publish(mlflow.client, runB.dir, names, tiny.lake, tiny.cacheDir);
    expect(b.gate.champion).toMatchObject({ version: '1', rescored: true });

    // Independently: A's LightGBM boosters (not its ONNX model) on B's window, with A's category codes.
    const spec = JSON.parse(await readFile(join(runA.dir, RUN_FILES.featureSpec), 'utf8'));
    const table = await buildFeatures(await stagingTablesFromLake(tiny.lake, origin), { origin, labels: true, categories: spec.categories }, { cacheDir: tiny.cacheDir });
    const matrix = stackFeatureTables([table]);
    const texts = await Promise.all(Array.from({ length: 16 }, (_, h) => readFile(join(runA.dir, boosterFile(h)), 'utf8')));
    const predicted = predictHorizons(LightGbmLibrary.open(), texts, matrix);
    const expected = nwrmsle({ rows: matrix.nRows, horizons: 16, predicted, actual: matrix.labels, weight: matrix.weight }).overall;
    expect(b.gate.champion!.nwrmsle).toBeCloseTo(expected, 4);
    expect(b.gate.champion!.nwrmsle).not.toBeCloseTo(runA.manifest.scores.model.overall, 6);

    const better = runB.manifest.scores.model.overall < b.gate.champion!.nwrmsle!;
    expect(b.gate.promoted).toBe(better);
    expect(b.gate.reason).toContain('(rescored on this window)');
    expect((await mlflow.client.registry.getVersionByAlias(names.modelName, 'champion')).version).toBe(better ? '3' : '1');
  });
});

describe('shelfcast models', () => {
  const cli = (args: string[]) =>
    runCli(['--json', 'models', ...args], {
      MLFLOW_TRACKING_URI: mlflow.server.trackingUri,
      SHELFCAST_MODEL_NAME: names.modelName,
      SHELFCAST_LOG_LEVEL: 'warn',
    });

  it('lists versions, promotes by hand and rolls back, recording each change', async () => {
    const before = (await mlflow.client.registry.getVersionByAlias(names.modelName, 'champion')).version;
    const promoted = await cli(['promote', '2']);
    expect(promoted.stderr).toBe('');
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toEqual({ modelName: names.modelName, from: before, to: '2', changed: true });
    const v2 = await mlflow.client.registry.getVersion(names.modelName, '2');
    expect(v2.aliases).toContain('champion');
    expect(v2.tags[TRACKING_TAGS.previousChampion]).toBe(before);
    expect(JSON.parse(v2.tags[TRACKING_TAGS.history])).toEqual([{ at: expect.any(String), action: 'promoted', other: before, by: 'shelfcast models promote' }]);

    const list = await cli(['list']);
    expect(list.code).toBe(0);
    const { versions } = JSON.parse(list.stdout) as { versions: { version: string; aliases: string[]; nwrmsle: number; gate?: { promoted: boolean } }[] };
    expect(versions.map((v) => v.version)).toEqual(['3', '2', '1']);
    expect(versions[1]).toMatchObject({ aliases: ['champion'], nwrmsle: runW.manifest.scores.model.overall, gate: { promoted: false } });
    expect(versions[0].aliases).toContain('challenger');

    const rolled = await cli(['rollback']);
    expect(rolled.code).toBe(0);
    expect(JSON.parse(rolled.stdout)).toMatchObject({ from: '2', to: before, changed: true });
    expect((await mlflow.client.registry.getVersionByAlias(names.modelName, 'champion')).version).toBe(before);
    expect(JSON.parse((await mlflow.client.registry.getVersion(names.modelName, '2')).tags[TRACKING_TAGS.history]).map((c: { action: string }) => c.action)).toEqual(['promoted', 'rolled-back']);

    const missing = await cli(['promote', '9']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`shelfcast: model ${names.modelName} has no version 9`);
  });

  it('says when there is nothing to roll back to', async () => {
    const other = uniqueName('empty-model');
    await mlflow.client.registry.createModel(other);
    const r = await runCli(['models', 'rollback'], { MLFLOW_TRACKING_URI: mlflow.server.trackingUri, SHELFCAST_MODEL_NAME: other, SHELFCAST_LOG_LEVEL: 'warn' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`shelfcast: model ${other} has no champion to roll back`);
    await expect(mlflow.client.registry.getVersionByAlias(other, 'champion')).rejects.toBeInstanceOf(TrackingNotFoundError);
  });
});
