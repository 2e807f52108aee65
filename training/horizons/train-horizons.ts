import { TrainingError } from '../../core/errors.js';
import { Booster, Dataset, trainWithEarlyStopping, type LightGbmLibrary, type LightGbmParams } from '../lightgbm/index.js';
import { labelColumn, type TrainingMatrix } from './training-matrix.js';
import type { TrainingSettings } from './training-settings.js';

/** Name of the validation set in evaluation results and learning curves. */
export const VALIDATION_SET = 'validation';

/** One trained horizon booster. */
export interface HorizonModel {
  readonly horizon: number;
  /** LightGBM's model text (the `h00.txt` file). */
  readonly modelText: string;
  /** LightGBM's JSON dump of the model, the input of the ONNX export. */
  readonly modelDump: string;
  /** Trees kept: the best round on validation (early stopping), or the round count asked for (refit). */
  readonly iterations: number;
  /** Validation metric after every round (empty for a refit, which has no validation set). */
  readonly curve: readonly number[];
  readonly stoppedEarly: boolean;
  /** The booster's predictions (log space) for the validation rows, when there is a validation set. */
  readonly validationPrediction?: Float64Array;
}

/** Reports the end of every boosting round of one horizon. */
export type RoundListener = (horizon: number, round: number, validationScore?: number) => void;

export interface TrainHorizonsOptions {
  readonly library: LightGbmLibrary;
  readonly train: TrainingMatrix;
  readonly settings: TrainingSettings;
  /** Which horizons (default all): tuning trains a few. */
  readonly horizons?: readonly number[];
  readonly onRound?: RoundListener;
  /** Called when a horizon is done, e.g. to log or save it at once. */
  readonly onHorizon?: (model: HorizonModel) => void;
}

/**
 * One booster per horizon h, on the labels y_h, with early stopping on the validation matrix. The datasets are
 * binned once and only their labels change between horizons, so every booster sees the same bins.
 */
export function trainHorizons(options: TrainHorizonsOptions & { readonly validation: TrainingMatrix }): HorizonModel[] {
  const { library, train, validation, settings } = options;
  if (validation.nCols !== train.nCols) throw new TrainingError(`validation has ${validation.nCols} columns, training ${train.nCols}`);
  const params = settings.params;
  const trainSet = datasetOf(library, train, params);
  let validSet: Dataset | undefined;
  try {
    validSet = Dataset.fromMatrix(library, {
      data: validation.data,
      nRows: validation.nRows,
      nCols: validation.nCols,
      labels: labelColumn(validation, 0),
      weights: validation.weight,
      featureNames: validation.featureNames,
      params,
      reference: trainSet,
    });
    const models: HorizonModel[] = [];
    for (const h of horizonsOf(options.horizons, train.horizons)) {
      trainSet.setLabels(labelColumn(train, h));
      validSet.setLabels(labelColumn(validation, h));
      const result = trainWithEarlyStopping({
        params,
        train: trainSet,
        valid: [{ name: VALIDATION_SET, dataset: validSet }],
        numBoostRound: settings.maxRounds,
        earlyStoppingRounds: settings.earlyStoppingRounds,
        firstMetricOnly: true,
        onIteration: ({ iteration, evals }) => options.onRound?.(h, iteration, evals[0]?.value),
      });
      try {
        const metric = Object.keys(result.history[VALIDATION_SET])[0];
        const model: HorizonModel = {
          horizon: h,
          modelText: result.booster.saveModelToString(),
          modelDump: result.booster.dumpModel(),
          iterations: result.bestIteration,
          curve: result.history[VALIDATION_SET][metric],
          stoppedEarly: result.stoppedEarly,
          validationPrediction: result.booster.predict(validation, { params: threadParams(params) }),
        };
        models.push(model);
        options.onHorizon?.(model);
      } finally {
        result.booster.dispose();
      }
    }
    return models;
  } finally {
    validSet?.dispose();
    trainSet.dispose();
  }
}

/**
 * Retrains every horizon on `train` (the latest origins) for the round count found with early stopping, with
 * no validation set: the refit of the final model.
 */
export function refitHorizons(options: TrainHorizonsOptions & { readonly rounds: readonly number[] }): HorizonModel[] {
  const { library, train, settings, rounds } = options;
  const horizons = horizonsOf(options.horizons, train.horizons);
  if (rounds.length !== horizons.length) throw new TrainingError(`${rounds.length} round counts for ${horizons.length} horizons`);
  const params = settings.params;
  const trainSet = datasetOf(library, train, params);
  try {
    return horizons.map((h, i) => {
      trainSet.setLabels(labelColumn(train, h));
      const iterations = Math.max(1, rounds[i]);
      const booster = Booster.create({ params: { ...params, num_iterations: iterations }, train: trainSet });
      try {
        for (let round = 1; round <= iterations; round++) {
          booster.updateOneIter();
          options.onRound?.(h, round);
        }
        const model: HorizonModel = {
          horizon: h,
          modelText: booster.saveModelToString(),
          modelDump: booster.dumpModel(),
          iterations: booster.currentIteration,
          curve: [],
          stoppedEarly: false,
        };
        options.onHorizon?.(model);
        return model;
      } finally {
        booster.dispose();
      }
    });
  } finally {
    trainSet.dispose();
  }
}

function datasetOf(library: LightGbmLibrary, m: TrainingMatrix, params: LightGbmParams): Dataset {
  return Dataset.fromMatrix(library, {
    data: m.data,
    nRows: m.nRows,
    nCols: m.nCols,
    labels: labelColumn(m, 0),
    weights: m.weight,
    featureNames: m.featureNames,
    params,
  });
}

function horizonsOf(asked: readonly number[] | undefined, count: number): readonly number[] {
  const horizons = asked ?? Array.from({ length: count }, (_, h) => h);
  for (const h of horizons) {
    if (!Number.isInteger(h) || h < 0 || h >= count) throw new TrainingError(`horizon ${h} is outside 0..${count - 1}`);
  }
  return horizons;
}

function threadParams(params: LightGbmParams): LightGbmParams {
  return params.num_threads === undefined ? {} : { num_threads: params.num_threads };
}
