/**
 * The typed form of one LightGBM regression booster, as far as prediction needs it: ordered feature names and
 * numerical trees whose leaf values already include shrinkage (and, in the first tree, the initial score).
 */

/**
 * How a split treats missing values (LightGBM's `missing_type`): `None` reads NaN as 0.0 and compares it,
 * `Zero` sends zero (and NaN, read as 0.0) the default way, `NaN` sends NaN the default way.
 */
export type MissingType = 'None' | 'Zero' | 'NaN';

/** A numerical split `x[feature] <= threshold` → left, with LightGBM's missing-value rule. */
export interface LightGbmSplit {
  readonly kind: 'split';
  /** Column index into the feature matrix. */
  readonly feature: number;
  /** The threshold as LightGBM holds it: a double. */
  readonly threshold: number;
  readonly missingType: MissingType;
  /** Where "missing" values (per `missingType`) go. */
  readonly defaultLeft: boolean;
  readonly left: LightGbmNode;
  readonly right: LightGbmNode;
}

/** A leaf and its output, shrinkage included. */
export interface LightGbmLeaf {
  readonly kind: 'leaf';
  readonly value: number;
}

/** A node of a LightGBM tree. */
export type LightGbmNode = LightGbmSplit | LightGbmLeaf;

/** One regression booster: its prediction for a row is the sum of its trees' leaf values. */
export interface LightGbmModel {
  /** Feature names in column order; the model reads `featureNames.length` columns. */
  readonly featureNames: readonly string[];
  /** LightGBM's objective string, e.g. "regression" or "huber". */
  readonly objective: string;
  /** Root of each tree, in boosting order. */
  readonly trees: readonly LightGbmNode[];
}
