/** The state serving answers from: the scored feature snapshot of one model version, its indexes, and reloads. */
export { ForecastStateHolder, type ForecastStateHolderDeps, type ReloadOutcome } from './forecast-state-holder.js';
export { horizonOfDate, seriesRow, unitSalesAt } from './forecast-lookup.js';
export { buildForecastState, unitSalesOf, type ForecastState, type ForecastStateInputs, type ScoredSeries } from './forecast-state.js';
export { scoreSnapshot, type ScoredSnapshot, type SnapshotJob } from './score-snapshot.js';
export { SeriesIndex } from './series-index.js';
export { servingOrigin } from './serving-origin.js';
export { scoreInProcess, scoreInWorker, type SnapshotScorer } from './snapshot-scorer.js';
export { SortedIntSet } from './sorted-int-set.js';
