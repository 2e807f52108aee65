/**
 * A whole training run on generated `tiny` data in a real lake: origins, 16 boosters, scores, ONNX parity and the
 * run directory, each checked against an independent computation (the boosters reloaded from their files, the
 * baseline computed from the staged sales with plain SQL).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbSession, sqlString } from '../../core/duckdb-session.js';
import { DataError, UsageError } from '../../core/errors.js';
import type { LocalLake } from '../../core/storage/local-lake.js';
import { sampleIndices } from '../../core/sample-indices.js';
import { addDays, buildFeatures, FEATURE_NAMES, LABEL_NAMES, stagingTablesFromLake, type FeatureTable } from '../../pipelines/features/index.js';
import {
  boosterFile,
  DEFAULT_REFERENCE_SAMPLE,
  MLFLOW_MODEL_FILES,
  OnnxForecaster,
  readReferenceSample,
  readRunBundle,
  RUN_FILES,
  type ReferenceSample,
} from '../../training/bundle/index.js';
import { nwrmsle } from '../../training/evaluation/index.js';
import { predictHorizons, stackFeatureTables } from '../../training/horizons/index.js';
import { LightGbmLibrary } from '../../training/lightgbm/index.js';
import { checkSalesCover, referenceSampleSettings, runOrigins, trainRun, type TrainRunResult } from '../../training/train-run.js';
import { tempDirs } from '../support/temp-dirs.js';
import { tinyLake } from '../support/tiny-lake.js';

const dirs = tempDirs();
let lake: LocalLake;
let cacheDir: string;
let runsDir: string;
let run: TrainRunResult;
const LAST_DAY = '2017-08-15';
const QUICK = { maxRounds: 40, earlyStoppingRounds: 10, trainingOrigins: 2, params: { num_threads: 1, learning_rate: 0.1, min_data_in_leaf: 20 } };
/** Fewer reference rows than tiny's validation origin has, so that the quick run draws a sample. */
const REFERENCE_ROWS = 100;

beforeAll(async () => {
  ({ lake, cacheDir, runsDir } = await tinyLake(dirs, 'train', 5));
  run = await trainRun({ ...QUICK, runsDir, runId: 'quick', referenceRows: REFERENCE_ROWS }, { lake, cacheDir });
});

let validationTable: Promise<FeatureTable> | undefined;
/** The labelled feature table at the quick run's validation origin, built again from the lake (once). */
function validationFeatures(): Promise<FeatureTable> {
  const origin = run.manifest.origins.validation;
  validationTable ??= stagingTablesFromLake(lake, origin).then((tables) => buildFeatures(tables, { origin, labels: true }, { cacheDir }));
  return validationTable;
}

/** The saved boosters of a run directory. */
function boosterTexts(dir: string): Promise<string[]> {
  return Promise.all(Array.from({ length: 16 }, (_, h) => readFile(join(dir, boosterFile(h)), 'utf8')));
}

/** The sample's features as a row-major matrix, the model's input layout. */
function sampleMatrix(sample: ReferenceSample): { data: Float32Array; nRows: number; nCols: number } {
  const nCols = sample.features.length;
  const data = new Float32Array(sample.rows * nCols);
  sample.features.forEach((column, c) => column.forEach((v, r) => (data[r * nCols + c] = v)));
  return { data, nRows: sample.rows, nCols };
}
afterAll(async () => {
  lake?.close();
  await dirs.cleanup();
});

describe('runOrigins', () => {
  it('puts the validation origin 21 days before the test origin and training origins a week apart before it', () => {
    expect(runOrigins(LAST_DAY, { trainingOrigins: 3, refit: true })).toEqual({
      test: '2017-08-16',
      validation: '2017-07-26',
      training: ['2017-07-19', '2017-07-12', '2017-07-05'],
      refit: ['2017-07-26', '2017-07-19', '2017-07-12'],
    });
    expect(() => runOrigins(LAST_DAY, { trainingOrigins: 0 })).toThrow(UsageError);
  });

  it('needs sales before the oldest training origin', () => {
    const origins = runOrigins(LAST_DAY, { trainingOrigins: 2 });
    expect(checkSalesCover('2016-06-01', origins)).toEqual({ from: '2016-07-12', to: '2017-08-10' });
    expect(() => checkSalesCover('2017-07-12', origins)).toThrow(
      /sales start on 2017-07-12, but the oldest training origin is 2017-07-12: training needs sales before it \(ideally from 2016-07-12\)/,
    );
  });
});

describe('referenceSampleSettings', () => {
  it('defaults to 10,000 rows and a fixed seed, and refuses sizes and seeds that cannot be drawn', () => {
    expect(referenceSampleSettings({})).toEqual({ rows: 10_000, seed: DEFAULT_REFERENCE_SAMPLE.seed });
    expect(referenceSampleSettings({ referenceRows: 20, referenceSeed: 0 })).toEqual({ rows: 20, seed: 0 });
    expect(() => referenceSampleSettings({ referenceRows: 0 })).toThrow(new UsageError('--reference-rows must be a positive integer, got 0'));
    expect(() => referenceSampleSettings({ referenceSeed: -1 })).toThrow(/--reference-seed must be an integer in 0\.\.4294967295, got -1/);
  });
});

describe('trainRun on tiny data', () => {
  it('writes a complete run directory whose manifest lists every file with its checksum', async () => {
    const bundle = await readRunBundle(run.dir);
    expect(bundle.manifest.runId).toBe('quick');
    expect(Object.keys(bundle.manifest.files).sort()).toEqual(
      [
        RUN_FILES.onnx,
        RUN_FILES.featureSpec,
        RUN_FILES.metrics,
        RUN_FILES.learningCurves,
        RUN_FILES.report,
        RUN_FILES.referenceSample,
        ...Object.values(MLFLOW_MODEL_FILES),
        ...Array.from({ length: 16 }, (_, h) => boosterFile(h)),
      ].sort(),
    );
    // The directory is an MLflow model of model.onnx (test/training/bundle/mlflow-model.test.ts reads one with MLflow).
    const mlmodel = await readFile(bundle.path(MLFLOW_MODEL_FILES.mlmodel), 'utf8');
    expect(mlmodel).toMatch(/^flavors:\n  onnx:\n    data: model\.onnx\n/);
    expect(mlmodel).toContain(`shelfcast_run_id: quick`);
    expect(mlmodel).toContain(`"tensor-spec\\":{\\"dtype\\":\\"float32\\",\\"shape\\":[-1,${FEATURE_NAMES.length}]`);
    expect(bundle.manifest.origins).toMatchObject({ test: '2017-08-16', validation: '2017-07-26', training: ['2017-07-19', '2017-07-12'] });
    expect(bundle.manifest.featureCount).toBe(FEATURE_NAMES.length);
    const spec = JSON.parse(await readFile(bundle.path(RUN_FILES.featureSpec), 'utf8'));
    expect(spec.features.map((f: { name: string }) => f.name)).toEqual(FEATURE_NAMES);
    expect(Object.keys(spec.categories).sort()).toEqual(['city', 'family', 'state', 'type']);
    const report = await readFile(bundle.path(RUN_FILES.report), 'utf8');
    expect(report).toContain('| 15 | t+15 |');
    // tiny is loaded without past promotion plans: the report says its scores are optimistic.
    expect(bundle.manifest.pastPromotionPlans).toBe(false);
    expect(report).toMatch(/Read these scores as optimistic/);
    expect(report).toContain(
      `Reference sample for drift: \`reference_sample.parquet\`, ${REFERENCE_ROWS} of the ${bundle.manifest.rows.validation.toLocaleString('en-US')} validation rows (seed ${DEFAULT_REFERENCE_SAMPLE.seed})`,
    );
  });

  it('writes a seeded reference sample of the validation rows with the boosters’ forecasts', async () => {
    const { manifest } = run;
    expect(manifest.settings.referenceSample).toEqual({ rows: REFERENCE_ROWS, seed: DEFAULT_REFERENCE_SAMPLE.seed });
    expect(manifest.rows.validation).toBeGreaterThan(REFERENCE_ROWS);
    expect(manifest.rows.reference).toBe(REFERENCE_ROWS);

    // The file's columns, as DuckDB sees them.
    const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(cacheDir, 'reference-sql') });
    try {
      const columns = await db.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlString(join(run.dir, RUN_FILES.referenceSample))})`);
      const predictions = Array.from({ length: 16 }, (_, h) => `pred_${h}`);
      expect(columns.map((c) => c.column_name)).toEqual(['store_nbr', 'item_nbr', ...FEATURE_NAMES, ...predictions, ...LABEL_NAMES, 'weight']);
    } finally {
      db.close();
    }

    // Its rows are the validation rows the seed picks, feature for feature, with the saved boosters' forecasts.
    const sample = await readReferenceSample(run.dir, { cacheDir });
    const table = await validationFeatures();
    expect(table.rows).toBe(manifest.rows.validation);
    const picked = sampleIndices(table.rows, REFERENCE_ROWS, DEFAULT_REFERENCE_SAMPLE.seed);
    expect(sample.rows).toBe(REFERENCE_ROWS);
    expect(sample.featureNames).toEqual(FEATURE_NAMES);
    expect(sample.storeNbr).toEqual(Int32Array.from(picked, (r) => table.storeNbr[r]));
    expect(sample.itemNbr).toEqual(Int32Array.from(picked, (r) => table.itemNbr[r]));
    const n = FEATURE_NAMES.length;
    const matrix = sampleMatrix(sample);
    const expectedRows = new Float32Array(REFERENCE_ROWS * n);
    picked.forEach((r, i) => expectedRows.set(table.values.subarray(r * n, (r + 1) * n), i * n));
    expect(matrix.data.some(Number.isNaN)).toBe(true);
    expect(matrix.data).toEqual(expectedRows);
    expect(sample.actuals!.labels).toEqual(LABEL_NAMES.map((_, h) => Float32Array.from(picked, (r) => table.labels![r * 16 + h])));
    expect(sample.actuals!.weight).toEqual(Float32Array.from(picked, (r) => table.weight![r]));
    const predicted = predictHorizons(LightGbmLibrary.open(), await boosterTexts(run.dir), matrix);
    expect(sample.predictions).toEqual(Array.from({ length: 16 }, (_, h) => Float64Array.from(picked, (_, i) => predicted[i * 16 + h])));
  });

  it('scores equal NWRMSLE recomputed from the saved boosters and from the staged sales', async () => {
    const { manifest } = run;
    const validationOrigin = manifest.origins.validation;
    const m = stackFeatureTables([await validationFeatures()]);
    const predicted = predictHorizons(LightGbmLibrary.open(), await boosterTexts(run.dir), m);
    const model = nwrmsle({ rows: m.nRows, horizons: 16, predicted, actual: m.labels, weight: m.weight });
    expect(manifest.scores.model.overall).toBeCloseTo(model.overall, 6);
    model.perHorizon.forEach((s, h) => expect(manifest.scores.model.perHorizon[h]).toBeCloseTo(s, 6));

    // The baseline from the staged sales, in SQL: mean of log1p(max(sales, 0)) over the 14 days before the
    // origin (absent days 0), against log1p of each of the 16 days after it, for the pairs of the table.
    const baseline = await baselineFromStaging(lake.location, validationOrigin);
    expect(manifest.scores.baseline.overall).toBeCloseTo(baseline, 6);
    expect(manifest.scores.improvement).toBeCloseTo(1 - manifest.scores.model.overall / manifest.scores.baseline.overall, 12);
  });

  it('keeps the best round of each horizon, no more than the rounds allowed', () => {
    for (const h of run.manifest.horizons) {
      expect(h.iterations).toBeGreaterThanOrEqual(1);
      expect(h.iterations).toBeLessThanOrEqual(QUICK.maxRounds);
    }
  });

  it('exports an ONNX model that agrees with the boosters on the validation rows within 1e-4', async () => {
    expect(run.manifest.parity.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(run.manifest.parity.rowsWithNaN).toBeGreaterThan(0);
    expect(run.manifest.parity.rowsWithZero).toBeGreaterThan(0);
    // Independently: the model file on disk against the saved boosters, on the test-origin features.
    const origin = run.manifest.origins.test;
    const table = await buildFeatures(await stagingTablesFromLake(lake, origin), { origin }, { cacheDir });
    const matrix = { data: table.values, nRows: table.rows, nCols: table.featureNames.length };
    const expected = predictHorizons(LightGbmLibrary.open(), await boosterTexts(run.dir), matrix);
    const forecaster = await OnnxForecaster.load(join(run.dir, RUN_FILES.onnx), FEATURE_NAMES.length);
    const { values, outputs } = await forecaster.predict(table.values, table.rows);
    await forecaster.release();
    expect(outputs).toBe(16);
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - expected[i]));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('refits on the latest origins with the round counts found by early stopping', async () => {
    const refit = await trainRun({ ...QUICK, refit: true, runsDir, runId: 'refit' }, { lake, cacheDir });
    expect(refit.manifest.origins.refit).toEqual(['2017-07-26', '2017-07-19']);
    expect(refit.manifest.rows.refit).toBeGreaterThan(0);
    for (const h of refit.manifest.horizons) expect(h.refitIterations).toBe(h.iterations);
    // Same data, seed and settings before the refit: the early-stopped scores match the first run's.
    expect(refit.manifest.scores.model.overall).toBeCloseTo(run.manifest.scores.model.overall, 10);
    const first = await readFile(join(refit.dir, boosterFile(0)), 'utf8');
    expect(first).not.toBe(await readFile(join(run.dir, boosterFile(0)), 'utf8'));

    // By default the reference sample holds every validation row (tiny has fewer than 10,000), with the refit
    // boosters' forecasts: those of the model the run directory carries.
    expect(refit.manifest.settings.referenceSample).toEqual(DEFAULT_REFERENCE_SAMPLE);
    expect(refit.manifest.rows.reference).toBe(refit.manifest.rows.validation);
    const sample = await readReferenceSample(refit.dir, { cacheDir });
    const table = await validationFeatures();
    expect(sample.itemNbr).toEqual(table.itemNbr);
    expect(sampleMatrix(sample).data).toEqual(table.values);
    const predicted = predictHorizons(LightGbmLibrary.open(), await boosterTexts(refit.dir), { data: table.values, nRows: table.rows, nCols: FEATURE_NAMES.length });
    expect(sample.predictions).toEqual(Array.from({ length: 16 }, (_, h) => Float64Array.from({ length: table.rows }, (_, r) => predicted[r * 16 + h])));
  });

  it('never overwrites a run directory and notices a changed file', async () => {
    await expect(trainRun({ ...QUICK, runsDir, runId: 'quick' }, { lake, cacheDir })).rejects.toThrow(/already exists/);
    const copyDir = await dirs.make('tampered');
    const tampered = join(copyDir, 'run');
    const { cp } = await import('node:fs/promises');
    await cp(run.dir, tampered, { recursive: true });
    await writeFile(join(tampered, boosterFile(3)), 'tree\n');
    await expect(readRunBundle(tampered)).rejects.toThrow(DataError);
    await expect(readRunBundle(copyDir)).rejects.toThrow(/run\.json is missing/);
  });

});

async function baselineFromStaging(lakeDir: string, origin: string): Promise<number> {
  const db = await DuckDbSession.open({ memoryLimit: '512MB', threads: 1, tempDirectory: join(cacheDir, 'baseline-sql') });
  try {
    const sales = `read_parquet(${sqlString(join(lakeDir, 'staging/train/*/data.parquet'))}, hive_partitioning = false)`;
    const day = (k: number): string => `DATE ${sqlString(addDays(origin, k))}`;
    const row = await db.row<{ score: number }>(`
      WITH pairs AS (SELECT DISTINCT s.store_nbr, s.item_nbr, CASE WHEN i.perishable = 1 THEN 1.25 ELSE 1.0 END AS w
                     FROM ${sales} s JOIN read_parquet(${sqlString(join(lakeDir, 'staging/items/data.parquet'))}) i USING (item_nbr)
                     WHERE date BETWEEN ${day(-365)} AND ${day(-1)}),
           base AS (SELECT p.store_nbr, p.item_nbr, p.w,
                           coalesce((SELECT sum(ln(1 + greatest(unit_sales, 0))) FROM ${sales} s
                                     WHERE s.store_nbr = p.store_nbr AND s.item_nbr = p.item_nbr AND date BETWEEN ${day(-14)} AND ${day(-1)}), 0) / 14 AS b
                    FROM pairs p),
           days AS (SELECT unnest(range(0, 16)) AS h),
           cells AS (SELECT b.w, b.b, coalesce((SELECT ln(1 + greatest(unit_sales, 0)) FROM ${sales} s
                                               WHERE s.store_nbr = b.store_nbr AND s.item_nbr = b.item_nbr AND s.date = ${day(0)} + d.h::INTEGER), 0) AS y
                     FROM base b, days d)
      SELECT sqrt(sum(w * (b - y) ^ 2) / sum(w)) AS score FROM cells`);
    return Number(row?.score);
  } finally {
    db.close();
  }
}
