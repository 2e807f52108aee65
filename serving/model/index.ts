/** Where serving gets its model versions: the source interface, local run directories. */
export { readBacktestScores } from './backtest-scores.js';
export { LocalRunSource, type LocalRunSourceOptions } from './local-run-source.js';
export { sameModel, type BacktestScores, type LoadedModel, type ModelIdentity, type ModelRef, type ModelSource } from './model-source.js';
export { loadRunDirectoryModel } from './run-directory-model.js';
export { readRunCategories } from './run-feature-spec.js';
