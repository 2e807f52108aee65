/** Monitoring stores: where served predictions (and later monitoring results) are kept. */
export { DuckDbPredictionStore } from './duckdb-prediction-store.js';
export { PREDICTION_COLUMNS, type PredictionBatch, type PredictionStamp, type PredictionStore } from './prediction-store.js';
