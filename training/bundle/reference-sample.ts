import type { NumericColumnType } from '../../core/duckdb-columns.js';
import { LABEL_NAMES } from '../../pipelines/features/index.js';

/**
 * A seeded sample of the validation-origin rows (`reference_sample.parquet` of a run directory): the feature and
 * forecast distributions a drift job compares serving against. Row i is the pair (storeNbr[i], itemNbr[i]); the
 * other fields hold one column per name.
 */
export interface ReferenceSample {
  readonly rows: number;
  readonly storeNbr: Int32Array;
  readonly itemNbr: Int32Array;
  /** The model's input names in order (FEATURE_NAMES for a current run). */
  readonly featureNames: readonly string[];
  /** One column per feature name; NaN where the feature has no value (NULL in the file). */
  readonly features: readonly Float32Array[];
  /** One column per horizon h: the bundled model's forecast of y_h, in log1p space. */
  readonly predictions: readonly Float64Array[];
  /** The labels y_h (one column per horizon) and row weights, when the sampled rows had labels. */
  readonly actuals?: { readonly labels: readonly Float32Array[]; readonly weight: Float32Array };
}

/** One column of the reference sample file. */
export interface ReferenceColumn {
  readonly name: string;
  readonly type: NumericColumnType;
}

/** Key columns, first in the file. */
export const REFERENCE_KEYS = ['store_nbr', 'item_nbr'] as const;

/** The forecast column of horizon h, `pred_0` … `pred_15`, named like the labels `y_0` … `y_15`. */
export function predictionColumn(h: number): string {
  return `pred_${h}`;
}

/**
 * The file's columns in order: store_nbr, item_nbr (INTEGER), the features (FLOAT), pred_h (DOUBLE), then, for a
 * labelled sample, y_h and weight (FLOAT).
 */
export function referenceLayout(featureNames: readonly string[], horizons: number, labelled: boolean): ReferenceColumn[] {
  if (labelled && horizons > LABEL_NAMES.length) throw new RangeError(`${horizons} horizons, but labels exist for ${LABEL_NAMES.length}`);
  const floats = (names: readonly string[]): ReferenceColumn[] => names.map((name) => ({ name, type: 'float32' }));
  return [
    ...REFERENCE_KEYS.map((name): ReferenceColumn => ({ name, type: 'int32' })),
    ...floats(featureNames),
    ...Array.from({ length: horizons }, (_, h): ReferenceColumn => ({ name: predictionColumn(h), type: 'float64' })),
    ...(labelled ? floats([...LABEL_NAMES.slice(0, horizons), 'weight']) : []),
  ];
}

/** The sample's arrays in the order of referenceLayout. */
export function referenceArrays(sample: ReferenceSample): (Int32Array | Float32Array | Float64Array)[] {
  const { actuals } = sample;
  return [sample.storeNbr, sample.itemNbr, ...sample.features, ...sample.predictions, ...(actuals ? [...actuals.labels, actuals.weight] : [])];
}

/** The layout of a sample in memory. */
export function layoutOf(sample: ReferenceSample): ReferenceColumn[] {
  return referenceLayout(sample.featureNames, sample.predictions.length, sample.actuals !== undefined);
}
