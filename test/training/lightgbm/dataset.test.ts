import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../core/errors.js';
import { Booster, Dataset, LightGbmLibrary } from '../../../training/lightgbm/index.js';
import { DETERMINISTIC, rowSlice, syntheticProblem } from './fixtures.js';

const lib = LightGbmLibrary.open();
const problem = syntheticProblem(1200, 8, 11);
const train = rowSlice(problem, 0, 1000);
const valid = rowSlice(problem, 1000, 1200);

function trainFor(dataset: Dataset, rounds: number): Booster {
  const booster = Booster.create({ params: DETERMINISTIC, train: dataset });
  for (let i = 0; i < rounds; i++) booster.updateOneIter();
  return booster;
}

describe('Dataset.fromMatrix', () => {
  it('knows its shape', () => {
    const dataset = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    try {
      expect(dataset.numData).toBe(1000);
      expect(dataset.numFeature).toBe(8);
      expect(dataset.params).toEqual(DETERMINISTIC);
      expect(Object.isFrozen(dataset.params)).toBe(true);
    } finally {
      dataset.dispose();
    }
  });

  it('reads a view at an offset in place: same model as from a copied matrix', () => {
    // `valid` views the tail of a larger buffer (non-zero byteOffset); a copy starts at offset 0.
    expect(valid.data.byteOffset).toBeGreaterThan(0);
    const copy = { ...valid, data: valid.data.slice(), labels: valid.labels.slice(), weights: valid.weights.slice() };
    const fromView = Dataset.fromMatrix(lib, { ...valid, params: DETERMINISTIC });
    const fromCopy = Dataset.fromMatrix(lib, { ...copy, params: DETERMINISTIC });
    const a = trainFor(fromView, 5);
    const b = trainFor(fromCopy, 5);
    try {
      expect(a.saveModelToString()).toBe(b.saveModelToString());
    } finally {
      for (const x of [a, b, fromView, fromCopy]) x.dispose();
    }
  });

  it('names the features in the model', () => {
    const featureNames = ['onpromotion', 'mean_7', 'mean_14', 'day_1', 'day_2', 'dow0_mean_4', 'family', 'perishable'];
    const dataset = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC, featureNames });
    const booster = trainFor(dataset, 2);
    try {
      expect(booster.saveModelToString()).toContain(`\nfeature_names=${featureNames.join(' ')}\n`);
    } finally {
      booster.dispose();
      dataset.dispose();
    }
  });

  it('checks shapes before calling LightGBM', () => {
    expect(() => Dataset.fromMatrix(lib, { data: new Float32Array(10), nRows: 3, nCols: 4 })).toThrowError(
      new TrainingError('Dataset.fromMatrix: data has 10 values, expected nRows × nCols = 12'),
    );
    expect(() => Dataset.fromMatrix(lib, { data: new Float32Array(0), nRows: 0, nCols: 4 })).toThrowError(
      'Dataset.fromMatrix: nRows must be an integer in 1..2147483647, got 0',
    );
    expect(() => Dataset.fromMatrix(lib, { ...train, labels: new Float32Array(3) })).toThrowError(
      'Dataset.fromMatrix: labels has 3 values, expected one per row (1000)',
    );
    expect(() => Dataset.fromMatrix(lib, { ...train, featureNames: ['a', 'b'] })).toThrowError(
      'Dataset.fromMatrix: 2 feature names for 8 columns',
    );
  });

  it('surfaces LightGBM’s own text for an invalid dataset parameter', () => {
    expect(() => Dataset.fromMatrix(lib, { ...train, params: { ...DETERMINISTIC, max_cat_threshold: 'many' } })).toThrowError(
      new TrainingError(
        'creating a dataset failed (LGBM_DatasetCreateFromMat): Parameter max_cat_threshold should be of type int, got "many"',
      ),
    );
  });
});

describe('Dataset lifetime', () => {
  it('throws a clear error, not a crash, when used after dispose; dispose is idempotent', () => {
    const dataset = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    dataset.dispose();
    dataset.dispose();
    dataset[Symbol.dispose]();
    expect(dataset.disposed).toBe(true);
    const disposed = new TrainingError('this LightGBM Dataset has been disposed');
    expect(() => dataset.numData).toThrowError(disposed);
    expect(() => dataset.setLabels(train.labels)).toThrowError(disposed);
    expect(() => Booster.create({ params: DETERMINISTIC, train: dataset })).toThrowError(disposed);
    expect(() => Dataset.fromMatrix(lib, { ...valid, reference: dataset })).toThrowError(disposed);
  });

  it('keeps the native data alive while a booster still trains on it', () => {
    const dataset = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    const booster = Booster.create({ params: DETERMINISTIC, train: dataset });
    try {
      booster.updateOneIter();
      dataset.dispose();
      expect(() => dataset.numData).toThrowError('this LightGBM Dataset has been disposed');
      // The booster still reads the training data for each new iteration and for training metrics.
      for (let i = 0; i < 5; i++) booster.updateOneIter();
      expect(booster.currentIteration).toBe(6);
      expect(booster.evalTrain().map((e) => e.metric)).toEqual(['l2', 'l1']);
    } finally {
      booster.dispose();
    }
  });

  it('refuses new labels or weights while a booster trains on the dataset', () => {
    const dataset = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    const booster = Booster.create({ params: DETERMINISTIC, train: dataset });
    try {
      expect(() => dataset.setWeights(train.weights)).toThrowError(
        'cannot set the weights of a dataset a booster trains on; set them before creating it',
      );
    } finally {
      booster.dispose();
    }
    dataset.setWeights(train.weights);
    dataset.dispose();
  });
});
