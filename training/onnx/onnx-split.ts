import { floorToFloat32, nextDownFloat32 } from './float32.js';
import { ZERO_THRESHOLD } from './lightgbm-decision.js';
import type { LightGbmSplit } from './lightgbm-tree.js';

/**
 * One ONNX `BRANCH_LEQ` node (true branch = LightGBM's left child) that decides exactly as a LightGBM split for
 * every float32 input: `x <= threshold`, or NaN when `missingTracksTrue`.
 */
export interface OnnxSplit {
  /** A float32, compared in float32 by ONNX Runtime. */
  threshold: number;
  missingTracksTrue: boolean;
  /**
   * The node reads the feature's zero-as-missing column (values with |x| ≤ ZERO_THRESHOLD replaced by NaN)
   * instead of the feature itself: ONNX has no "zero is missing" rule, so the graph makes zeros NaN first.
   */
  readsZeroAsMissing: boolean;
}

/**
 * The ONNX decision for one LightGBM split. Thresholds become the largest float32 ≤ the double threshold, which
 * keeps `x <= t` for every float32 x. Values LightGBM reads as zero (|x| ≤ ZERO_THRESHOLD) behave as 0.0; where
 * the threshold falls inside that band the float32 threshold moves to the band's edge so the whole band goes
 * the way 0.0 goes.
 */
export function onnxSplit(split: Pick<LightGbmSplit, 'threshold' | 'missingType' | 'defaultLeft'>): OnnxSplit {
  const t = split.threshold;
  if (split.missingType === 'Zero') {
    // On the zero-as-missing column zero and NaN are both NaN and go the default way; no value left is in the band.
    return { threshold: floorToFloat32(t), missingTracksTrue: split.defaultLeft, readsZeroAsMissing: true };
  }
  const zeroGoesLeft = 0 <= t;
  // With missing type None, NaN is read as 0.0; with NaN it goes the default way.
  const missingTracksTrue = split.missingType === 'NaN' ? split.defaultLeft : zeroGoesLeft;
  let threshold: number;
  if (t >= ZERO_THRESHOLD || t < -ZERO_THRESHOLD) {
    // The whole zero band lies on one side of t, the side 0.0 is on: the plain comparison agrees.
    threshold = floorToFloat32(t);
  } else if (zeroGoesLeft) {
    threshold = ZERO_THRESHOLD; // t in [0, z): left are x < -z, the band, and nothing above it
  } else {
    threshold = nextDownFloat32(-ZERO_THRESHOLD); // t in [-z, 0): left are x < -z only
  }
  return { threshold, missingTracksTrue, readsZeroAsMissing: false };
}
