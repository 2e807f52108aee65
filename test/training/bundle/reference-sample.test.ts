/**
 * The reference sample of a run directory on a seeded table: drawing it, writing it as Parquet through DuckDB and
 * reading it back, checked against the table itself and against pandas (what an Evidently job reads it with).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbSession, sqlString } from '../../../core/duckdb-session.js';
import { DataError } from '../../../core/errors.js';
import { venvBin } from '../../../core/python-env.js';
import { sampleIndices } from '../../../core/sample-indices.js';
import { LABEL_NAMES, type FeatureTable } from '../../../pipelines/features/index.js';
import { drawReferenceSample, readReferenceSample, RUN_FILES, writeReferenceSample, type ReferenceSample } from '../../../training/bundle/index.js';
import type { Matrix } from '../../../training/lightgbm/index.js';
import { seededRandom } from '../../support/seeded-random.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
let cacheDir: string;
const ROWS = 5000; // three DuckDB chunks
const FEATURES = ['mean_7', 'day_1', 'family'];
const HORIZONS = LABEL_NAMES.length;

/** A labelled feature table with seeded values, a NaN in every 7th feature value. */
function seededTable(rows: number): FeatureTable {
  const random = seededRandom(42);
  const values = Float32Array.from({ length: rows * FEATURES.length }, (_, i) => (i % 7 === 3 ? NaN : Math.fround(random() * 10)));
  return {
    origin: '2017-07-26',
    lastObservedDay: '2017-08-15',
    featureNames: FEATURES,
    rows,
    storeNbr: Int32Array.from({ length: rows }, (_, r) => 1 + Math.floor(r / 1000)),
    itemNbr: Int32Array.from({ length: rows }, (_, r) => 100_000 + (r % 1000)),
    values,
    labels: Float32Array.from({ length: rows * HORIZONS }, () => Math.fround(random() * 3)),
    weight: Float32Array.from({ length: rows }, (_, r) => (r % 4 === 0 ? 1.25 : 1)),
    categories: { family: [], city: [], state: [], type: [] },
  };
}

/** A stand-in forecaster, a plain function of the row: h + the sum of its present features. */
function forecast(m: Matrix): Float64Array {
  const out = new Float64Array(m.nRows * HORIZONS);
  for (let r = 0; r < m.nRows; r++) {
    let sum = 0;
    for (let c = 0; c < m.nCols; c++) sum += Number.isNaN(m.data[r * m.nCols + c]) ? 0 : m.data[r * m.nCols + c];
    for (let h = 0; h < HORIZONS; h++) out[r * HORIZONS + h] = sum + h;
  }
  return out;
}

const table = seededTable(ROWS);
const settings = { rows: 3000, seed: 5 };
let sample: ReferenceSample;
let runDir: string;

beforeAll(async () => {
  cacheDir = await dirs.make('reference-cache');
  runDir = await dirs.make('reference-run');
  sample = drawReferenceSample(table, settings, forecast);
  await writeReferenceSample(join(runDir, RUN_FILES.referenceSample), sample, { cacheDir });
});
afterAll(() => dirs.cleanup());

describe('drawReferenceSample', () => {
  it('takes the rows sampleIndices picks for the seed, in table order, with their features, labels, weights and forecasts', () => {
    const picked = sampleIndices(ROWS, settings.rows, settings.seed);
    expect(sample.rows).toBe(settings.rows);
    expect(sample.featureNames).toEqual(FEATURES);
    // The sample's rows, laid out again row by row, against the table's rows at the picked indices.
    const rowOf = (i: number): number[] => [
      sample.storeNbr[i],
      sample.itemNbr[i],
      ...sample.features.map((f) => f[i]),
      ...sample.predictions.map((p) => p[i]),
      ...sample.actuals!.labels.map((y) => y[i]),
      sample.actuals!.weight[i],
    ];
    const predicted = forecast({ data: table.values, nRows: ROWS, nCols: FEATURES.length });
    const tableRow = (r: number): number[] => [
      table.storeNbr[r],
      table.itemNbr[r],
      ...table.values.subarray(r * FEATURES.length, (r + 1) * FEATURES.length),
      ...predicted.subarray(r * HORIZONS, (r + 1) * HORIZONS),
      ...table.labels!.subarray(r * HORIZONS, (r + 1) * HORIZONS),
      table.weight![r],
    ];
    expect(Array.from(picked, (_, i) => rowOf(i))).toEqual(Array.from(picked, tableRow));
    expect(drawReferenceSample(table, settings, forecast)).toEqual(sample);
    expect(drawReferenceSample(table, { ...settings, seed: 6 }, forecast).storeNbr).not.toEqual(sample.storeNbr);
  });

  it('takes every row of a smaller table, and leaves the labels out of an unlabelled one', () => {
    const all = drawReferenceSample({ ...table, labels: undefined, weight: undefined }, { rows: 10_000, seed: 5 }, forecast);
    expect(all.rows).toBe(ROWS);
    expect(all.itemNbr).toEqual(table.itemNbr);
    expect(all.actuals).toBeUndefined();
  });
});

describe('writeReferenceSample and readReferenceSample', () => {
  it('read back every column exactly, NaN included', async () => {
    const back = await readReferenceSample(runDir, { cacheDir });
    expect(back).toEqual(sample);
    expect(back.features[0]).toBeInstanceOf(Float32Array);
    expect(back.predictions[0]).toBeInstanceOf(Float64Array);
  });

  it('write columns pandas reads in layout order, with NaN where a feature is missing', async () => {
    const code = [
      'import sys, json, pandas as pd',
      'df = pd.read_parquet(sys.argv[1])',
      'print(json.dumps({"columns": list(df.columns), "dtypes": sorted(set(str(t) for t in df.dtypes)), "rows": len(df),',
      '  "nan": {c: int(df[c].isna().sum()) for c in df.columns}, "sum": {c: float(df[c].astype("float64").sum()) for c in df.columns}}))',
    ].join('\n');
    const { stdout } = await promisify(execFile)(venvBin('python'), ['-c', code, join(runDir, RUN_FILES.referenceSample)]);
    const seen = JSON.parse(stdout) as { columns: string[]; dtypes: string[]; rows: number; nan: Record<string, number>; sum: Record<string, number> };
    const predictions = Array.from({ length: HORIZONS }, (_, h) => `pred_${h}`);
    expect(seen.columns).toEqual(['store_nbr', 'item_nbr', ...FEATURES, ...predictions, ...LABEL_NAMES, 'weight']);
    expect(seen.dtypes).toEqual(['float32', 'float64', 'int32']);
    expect(seen.rows).toBe(settings.rows);
    const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => (Number.isNaN(x) ? s : s + x), 0);
    FEATURES.forEach((name, c) => {
      expect(seen.nan[name]).toBe(sample.features[c].filter(Number.isNaN).length);
      expect(seen.nan[name]).toBeGreaterThan(0);
      expect(seen.sum[name]).toBeCloseTo(sum(sample.features[c]), 6);
    });
    expect(seen.sum.item_nbr).toBe(sum(sample.itemNbr));
    expect(seen.sum.pred_15).toBeCloseTo(sum(sample.predictions[15]), 6);
    expect(seen.sum.y_3).toBeCloseTo(sum(sample.actuals!.labels[3]), 4);
    expect(seen.sum.weight).toBe(sum(sample.actuals!.weight));
  });
});

describe('readReferenceSample on a bad run directory', () => {
  /** A run directory whose reference sample is what `sql` selects. */
  async function withFile(sql: string): Promise<string> {
    const dir = await dirs.make('bad-reference');
    const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(cacheDir, 'bad-sql') });
    try {
      await db.run(`COPY (${sql}) TO ${sqlString(join(dir, RUN_FILES.referenceSample))} (FORMAT parquet)`);
    } finally {
      db.close();
    }
    return dir;
  }
  const predictions = Array.from({ length: HORIZONS }, (_, h) => `0::DOUBLE AS pred_${h}`).join(', ');

  it('names the missing file', async () => {
    const dir = await dirs.make('no-reference');
    const file = join(dir, RUN_FILES.referenceSample);
    await expect(readReferenceSample(dir, { cacheDir })).rejects.toThrow(DataError);
    await expect(readReferenceSample(dir, { cacheDir })).rejects.toThrow(`${file}: missing: this run has no reference sample for drift`);
  });

  it('names a file that is not Parquet', async () => {
    const dir = await dirs.make('text-reference');
    await writeFile(join(dir, RUN_FILES.referenceSample), 'store_nbr,item_nbr\n1,2\n');
    await expect(readReferenceSample(dir, { cacheDir })).rejects.toThrow(new RegExp(`^${join(dir, RUN_FILES.referenceSample)}: cannot read it as Parquet`));
  });

  it('names the first column out of place, a column of another type and NULL keys', async () => {
    const swapped = await withFile(`SELECT 2::INTEGER AS item_nbr, 1::INTEGER AS store_nbr, 0.5::FLOAT AS mean_7, ${predictions}`);
    await expect(readReferenceSample(swapped, { cacheDir })).rejects.toThrow(/reference_sample\.parquet: column 1 is item_nbr, expected store_nbr/);
    const noForecasts = await withFile('SELECT 1::INTEGER AS store_nbr, 2::INTEGER AS item_nbr, 0.5::FLOAT AS mean_7');
    await expect(readReferenceSample(noForecasts, { cacheDir })).rejects.toThrow(/reference_sample\.parquet: has no column pred_0 \(a reference sample holds store_nbr, item_nbr/);
    const noFeatures = await withFile(`SELECT 1::INTEGER AS store_nbr, 2::INTEGER AS item_nbr, ${predictions}`);
    await expect(readReferenceSample(noFeatures, { cacheDir })).rejects.toThrow(/has no feature columns before pred_0/);
    const halfLabels = await withFile(`SELECT 1::INTEGER AS store_nbr, 2::INTEGER AS item_nbr, 0.5::FLOAT AS mean_7, ${predictions}, 1::FLOAT AS y_0`);
    await expect(readReferenceSample(halfLabels, { cacheDir })).rejects.toThrow(/column 21 is \(none\), expected y_1/);
    const doubles = await withFile(`SELECT 1::INTEGER AS store_nbr, 2::INTEGER AS item_nbr, 0.5::DOUBLE AS mean_7, ${predictions}`);
    await expect(readReferenceSample(doubles, { cacheDir })).rejects.toThrow(/reference_sample\.parquet, column mean_7: is DOUBLE, expected FLOAT/);
    const nullKey = await withFile(`SELECT NULL::INTEGER AS store_nbr, 2::INTEGER AS item_nbr, 0.5::FLOAT AS mean_7, ${predictions}`);
    await expect(readReferenceSample(nullKey, { cacheDir })).rejects.toThrow(/reference_sample\.parquet, column store_nbr: holds NULL values/);
  });
});
