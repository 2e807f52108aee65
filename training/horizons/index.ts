/** Training of the 16 horizon boosters (one per day after the origin) on stacked feature tables. */
export { predictHorizons } from './predict-horizons.js';
export { refitHorizons, trainHorizons, VALIDATION_SET, type HorizonModel, type RoundListener, type TrainHorizonsOptions } from './train-horizons.js';
export { labelColumn, stackFeatureTables, type TrainingMatrix } from './training-matrix.js';
export { DEFAULT_TRAINING_SETTINGS, FIRST_PLACE_PARAMS, type TrainingSettings } from './training-settings.js';
