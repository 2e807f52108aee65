/** Where serving gets its model versions: the source interface, local run directories, the MLflow registry. */
export { readBacktestScores } from './backtest-scores.js';
export { LocalRunSource, type LocalRunSourceOptions } from './local-run-source.js';
export { MlflowModelSource, type MlflowModelSourceDeps, type MlflowModelSourceOptions } from './mlflow-model-source.js';
export { sameModel, type BacktestScores, type LoadedModel, type ModelIdentity, type ModelRef, type ModelSource } from './model-source.js';
export { formatModelUri, parseModelUri, type ModelUri } from './model-uri.js';
export { loadRunDirectoryModel } from './run-directory-model.js';
export { readRunCategories } from './run-feature-spec.js';
