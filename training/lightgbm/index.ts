/** LightGBM binding: the learner behind every shelfcast model, over the C library of the pinned wheel. */
export { Booster, TRAINING_DATA_NAME } from './booster.js';
export type {
  BoosterOptions,
  EvalResult,
  ImportanceType,
  IterationRange,
  ModelTextOptions,
  NamedDataset,
  PredictOptions,
} from './booster.js';
export { Dataset } from './dataset.js';
export type { DatasetOptions } from './dataset.js';
export { trainWithEarlyStopping } from './early-stopping.js';
export type {
  EarlyStoppingOptions,
  EarlyStoppingResult,
  EvalHistory,
  EvalScores,
  IterationProgress,
} from './early-stopping.js';
export { LightGbmLibrary } from './library.js';
export { lightGbmLibraryOptionsFromEnv, resolveLightGbmLibraryPath } from './library-path.js';
export type { LightGbmLibraryOptions } from './library-path.js';
export type { Matrix } from './matrix.js';
export { formatParams } from './params.js';
export type { LightGbmParams, LightGbmParamValue } from './params.js';
