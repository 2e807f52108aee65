import type { LightGbmParams } from '../lightgbm/index.js';

/** How the 16 horizon boosters are trained. */
export interface TrainingSettings {
  /** LightGBM parameters of every booster. */
  readonly params: LightGbmParams;
  /** Most boosting rounds per booster. */
  readonly maxRounds: number;
  /** Stop a booster once the validation score has not improved for this many rounds. */
  readonly earlyStoppingRounds: number;
}

/**
 * The parameters of the Kaggle 1st-place LightGBM solution, with a weighted l2 validation metric (its square
 * root is the horizon's NWRMSLE) and a fixed seed so that a run can be repeated.
 */
export const FIRST_PLACE_PARAMS: Readonly<LightGbmParams> = Object.freeze({
  objective: 'regression',
  metric: 'l2',
  num_leaves: 80,
  min_data_in_leaf: 200,
  learning_rate: 0.02,
  feature_fraction: 0.8,
  bagging_fraction: 0.7,
  bagging_freq: 1,
  seed: 20170816,
  verbosity: -1,
});

export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = Object.freeze({
  params: FIRST_PLACE_PARAMS,
  maxRounds: 5000,
  earlyStoppingRounds: 125,
});
