/** Serving: model sources, the forecast state, the prediction log, the HTTP API, and batch submissions. */
export * from './api/index.js';
export * from './model/index.js';
export * from './prediction-log/index.js';
export * from './state/index.js';
export { predictSubmission, type PredictSubmissionDeps, type PredictSubmissionOptions, type SubmissionReport } from './submission/predict-submission.js';
