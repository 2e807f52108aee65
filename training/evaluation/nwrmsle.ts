import { TrainingError } from '../../core/errors.js';

/**
 * Predictions and actuals in log space (ln(1 + sales)), row-major rows × horizons, with one weight per row.
 * Both sides are clipped at 0 before scoring, as the metric clips sales (and so log1p) at 0.
 */
export interface LogForecasts {
  readonly rows: number;
  readonly horizons: number;
  /** rows × horizons, ln(1 + ŷ). */
  readonly predicted: ArrayLike<number>;
  /** rows × horizons, ln(1 + y). */
  readonly actual: ArrayLike<number>;
  /** 1.25 for perishable items, else 1. */
  readonly weight: ArrayLike<number>;
}

/** NWRMSLE of each horizon (one day after the origin each) and over all of them. */
export interface HorizonScores {
  readonly perHorizon: number[];
  readonly overall: number;
}

/**
 * NWRMSLE = sqrt( Σ w·(ln(1+ŷ) − ln(1+y))² / Σ w ), per horizon column and over every cell (DESIGN.md, Metric).
 * A row's weight applies to each of its days.
 */
export function nwrmsle(f: LogForecasts): HorizonScores {
  const { rows, horizons, predicted, actual, weight } = f;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(horizons) || horizons < 1) {
    throw new TrainingError(`NWRMSLE needs at least one row and one horizon, got ${rows} × ${horizons}`);
  }
  if (predicted.length !== rows * horizons || actual.length !== rows * horizons) {
    throw new TrainingError(`NWRMSLE: expected ${rows * horizons} predictions and actuals, got ${predicted.length} and ${actual.length}`);
  }
  if (weight.length !== rows) throw new TrainingError(`NWRMSLE: expected ${rows} weights, got ${weight.length}`);
  const squared = new Float64Array(horizons);
  let weightSum = 0;
  for (let r = 0; r < rows; r++) {
    const w = weight[r];
    if (!(w >= 0)) throw new TrainingError(`NWRMSLE: weight of row ${r} is ${w}, expected a non-negative number`);
    weightSum += w;
    for (let h = 0; h < horizons; h++) {
      const i = r * horizons + h;
      const d = Math.max(predicted[i], 0) - Math.max(actual[i], 0);
      if (Number.isNaN(d)) throw new TrainingError(`NWRMSLE: row ${r}, horizon ${h} is NaN`);
      squared[h] += w * d * d;
    }
  }
  if (!(weightSum > 0)) throw new TrainingError('NWRMSLE: the weights sum to 0');
  const perHorizon = Array.from(squared, (s) => Math.sqrt(s / weightSum));
  const total = squared.reduce((a, b) => a + b, 0);
  return { perHorizon, overall: Math.sqrt(total / (weightSum * horizons)) };
}
