import { TrainingError } from '../../core/errors.js';
import { sampleIndices } from '../../core/sample-indices.js';
import type { FeatureTable } from '../../pipelines/features/index.js';
import type { Matrix } from '../lightgbm/index.js';
import type { ReferenceSample } from './reference-sample.js';

/** How large the reference sample is and which rows it takes. */
export interface ReferenceSampleSettings {
  /** At most this many rows; all of them when the table has fewer. */
  readonly rows: number;
  readonly seed: number;
}

/**
 * 10,000 rows hold the distribution of every feature well enough for drift statistics (a few hundred per
 * histogram bin) and keep the file to a few MB. The seed is the training parameters' fixed seed.
 */
export const DEFAULT_REFERENCE_SAMPLE: ReferenceSampleSettings = Object.freeze({ rows: 10_000, seed: 20170816 });

/**
 * The reference sample of a feature table: `settings.rows` of its rows drawn uniformly without replacement with
 * the seed (sampleIndices), kept in the table's (store_nbr, item_nbr) order, with `predict`'s forecasts for them
 * (rows × horizons, row-major) and the table's labels and weights when it has them.
 */
export function drawReferenceSample(table: FeatureTable, settings: ReferenceSampleSettings, predict: (matrix: Matrix) => Float64Array): ReferenceSample {
  const picked = sampleIndices(table.rows, settings.rows, settings.seed);
  const rows = picked.length;
  const nCols = table.featureNames.length;
  const data = new Float32Array(rows * nCols);
  picked.forEach((r, i) => data.set(table.values.subarray(r * nCols, (r + 1) * nCols), i * nCols));
  const forecast = predict({ data, nRows: rows, nCols });
  const horizons = forecast.length / rows;
  if (!Number.isInteger(horizons)) throw new TrainingError(`${forecast.length} forecasts for ${rows} reference rows`);
  const { labels, weight } = table;
  return {
    rows,
    storeNbr: Int32Array.from(picked, (r) => table.storeNbr[r]),
    itemNbr: Int32Array.from(picked, (r) => table.itemNbr[r]),
    featureNames: table.featureNames,
    features: columnsOf(data, nCols, Float32Array),
    predictions: columnsOf(forecast, horizons, Float64Array),
    actuals: labels && weight ? { labels: columnsOf(labels, labels.length / table.rows, Float32Array, picked), weight: Float32Array.from(picked, (r) => weight[r]) } : undefined,
  };
}

/** The columns of a row-major matrix `width` wide, of the rows `picked` (default: all, in order). */
function columnsOf<T extends Float32Array | Float64Array>(values: T, width: number, make: new (length: number) => T, picked?: Int32Array): T[] {
  const rows = picked ? picked.length : values.length / width;
  return Array.from({ length: width }, (_, c) => {
    const column = new make(rows);
    for (let i = 0; i < rows; i++) column[i] = values[(picked ? picked[i] : i) * width + c];
    return column;
  });
}
