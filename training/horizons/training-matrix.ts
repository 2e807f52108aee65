import { TrainingError } from '../../core/errors.js';
import type { FeatureTable } from '../../pipelines/features/index.js';

/** Rows of one or more labelled feature tables stacked into the matrix LightGBM trains on. */
export interface TrainingMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly featureNames: readonly string[];
  /** nRows × nCols, row-major; NaN = missing. */
  readonly data: Float32Array;
  /** nRows × horizons, row-major: y_h of each row. */
  readonly labels: Float32Array;
  readonly horizons: number;
  /** One weight per row. */
  readonly weight: Float32Array;
  /** Origins of the stacked tables, in stacking order. */
  readonly origins: readonly string[];
}

/**
 * Stacks labelled feature tables (one per origin) into one matrix; a single table is used in place. All tables
 * must have the same feature columns and labels.
 */
export function stackFeatureTables(tables: readonly FeatureTable[]): TrainingMatrix {
  if (tables.length === 0) throw new TrainingError('no feature tables to train on');
  const [first] = tables;
  const nCols = first.featureNames.length;
  for (const t of tables) {
    if (!t.labels || !t.weight) throw new TrainingError(`the feature table at origin ${t.origin} has no labels: build it with labels`);
    if (t.featureNames.length !== nCols || t.featureNames.some((n, i) => n !== first.featureNames[i])) {
      throw new TrainingError(`the feature table at origin ${t.origin} has other columns than the one at ${first.origin}`);
    }
  }
  const horizons = first.labels!.length / first.rows;
  const origins = tables.map((t) => t.origin);
  if (tables.length === 1) {
    return { nRows: first.rows, nCols, featureNames: first.featureNames, data: first.values, labels: first.labels!, horizons, weight: first.weight!, origins };
  }
  const nRows = tables.reduce((n, t) => n + t.rows, 0);
  const data = new Float32Array(nRows * nCols);
  const labels = new Float32Array(nRows * horizons);
  const weight = new Float32Array(nRows);
  let row = 0;
  for (const t of tables) {
    data.set(t.values, row * nCols);
    labels.set(t.labels!, row * horizons);
    weight.set(t.weight!, row);
    row += t.rows;
  }
  return { nRows, nCols, featureNames: first.featureNames, data, labels, horizons, weight, origins };
}

/** The labels of horizon h as one contiguous column. */
export function labelColumn(matrix: TrainingMatrix, h: number): Float32Array {
  if (!Number.isInteger(h) || h < 0 || h >= matrix.horizons) throw new RangeError(`horizon ${h} is outside 0..${matrix.horizons - 1}`);
  const out = new Float32Array(matrix.nRows);
  for (let r = 0; r < matrix.nRows; r++) out[r] = matrix.labels[r * matrix.horizons + h];
  return out;
}
