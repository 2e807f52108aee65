import type { LightGbmSplit } from './lightgbm-tree.js';

/**
 * LightGBM's `kZeroThreshold` (the float literal 1e-35f, widened to double). Its dense-row predictor drops every
 * value with |x| ≤ this (so the trees read 0.0 there), and a `Zero` split treats such values as missing.
 */
export const ZERO_THRESHOLD = Math.fround(1e-35);

/** Whether LightGBM reads the input value `x` as zero: |x| ≤ ZERO_THRESHOLD (NaN is not). */
export function isLightGbmZero(x: number): boolean {
  return Math.abs(x) <= ZERO_THRESHOLD;
}

/**
 * Whether a row with value `x` (a float32, possibly NaN) at the split's feature goes left, following LightGBM's
 * predictor: values that read as zero become 0.0; NaN becomes 0.0 unless the split's missing type is NaN; then
 * `Zero` sends 0.0 and `NaN` sends NaN the default way, and everything else compares `x <= threshold` in double.
 */
export function goesLeft(split: Pick<LightGbmSplit, 'threshold' | 'missingType' | 'defaultLeft'>, x: number): boolean {
  let value = isLightGbmZero(x) ? 0 : x;
  if (Number.isNaN(value) && split.missingType !== 'NaN') value = 0;
  if ((split.missingType === 'Zero' && value === 0) || (split.missingType === 'NaN' && Number.isNaN(value))) {
    return split.defaultLeft;
  }
  return value <= split.threshold;
}
