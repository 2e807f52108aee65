import type { FeatureTable } from '../../pipelines/features/index.js';

/** The feature holding the baseline: the mean of log1p(sales) over the 14 days before the origin, per pair. */
export const BASELINE_FEATURE = 'mean_14';

/**
 * The 14-day-mean baseline (DESIGN.md, Metric) for every pair of a feature table: the same value on each of the
 * `horizons` days, in log space, rows × horizons.
 */
export function fourteenDayMeanForecast(table: FeatureTable, horizons: number): Float64Array {
  const width = table.featureNames.length;
  const column = table.featureNames.indexOf(BASELINE_FEATURE);
  if (column < 0) throw new RangeError(`the feature table has no ${BASELINE_FEATURE} column`);
  const out = new Float64Array(table.rows * horizons);
  for (let r = 0; r < table.rows; r++) out.fill(table.values[r * width + column], r * horizons, (r + 1) * horizons);
  return out;
}
