/** The prediction log: served forecasts queued in memory and written to the monitoring store in batches. */
export { PREDICTION_LOG_DEFAULTS, PredictionLog, type PredictionLogMetrics, type PredictionLogOptions } from './prediction-log.js';
export { PredictionQueue } from './prediction-queue.js';
