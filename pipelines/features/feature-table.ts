import type { TextAttribute } from './feature-spec.js';

/**
 * Codes of the text attributes: a value's code is its index. Built from the sorted values of the reference
 * tables unless given; pass a model's codes when building features for it so that codes do not shift when a
 * new family, city, … appears.
 */
export type CategoryCodes = { readonly [A in TextAttribute]: readonly string[] };

/** The feature matrix at one origin, ready for training or scoring. Row i is the pair (storeNbr[i], itemNbr[i]). */
export interface FeatureTable {
  readonly origin: string;
  /** The last day of the sales history (see StagingTables.lastObservedDay); later days take promotions from the plan. */
  readonly lastObservedDay: string;
  /** Column names of `values`, FEATURE_NAMES. */
  readonly featureNames: readonly string[];
  readonly rows: number;
  /** Pairs in ascending (store_nbr, item_nbr) order. */
  readonly storeNbr: Int32Array;
  readonly itemNbr: Int32Array;
  /** rows × featureNames.length, row-major. NaN where a feature has no value (a mean over no days, an unknown code). */
  readonly values: Float32Array;
  /** rows × 16, row-major: y_h = log1p(max(sales[t+h], 0)). Only when labels were asked for. */
  readonly labels?: Float32Array;
  /** 1.25 for perishable items, else 1. Only with labels. */
  readonly weight?: Float32Array;
  readonly categories: CategoryCodes;
}

/** One feature of one row, by name; throws RangeError for an unknown name or row. */
export function featureValue(table: FeatureTable, row: number, name: string): number {
  const column = table.featureNames.indexOf(name);
  if (column < 0 || row < 0 || row >= table.rows) throw new RangeError(`no feature ${JSON.stringify(name)} in row ${row}`);
  return table.values[row * table.featureNames.length + column];
}

