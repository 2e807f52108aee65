import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from '../../../core/errors.js';
import {
  Booster,
  Dataset,
  LightGbmLibrary,
  type LightGbmParams,
} from '../../../training/lightgbm/index.js';
import {
  DETERMINISTIC,
  maxAbsDiff,
  rowSlice,
  runPythonReference,
  syntheticProblem,
  withoutPythonFooter,
  type Problem,
  type ReferenceResult,
} from './fixtures.js';

const ROUNDS = 40;
const lib = LightGbmLibrary.open();
const problem = syntheticProblem(3000, 12, 7);
const train = rowSlice(problem, 0, 2000);
const valid = rowSlice(problem, 2000, 3000);

/** Trains ROUNDS iterations one by one through the binding, recording the validation metrics. */
function trainBinding(params: LightGbmParams, useWeights: boolean) {
  const withWeights = (p: Problem) => ({ ...p, weights: useWeights ? p.weights : undefined });
  const trainSet = Dataset.fromMatrix(lib, { ...withWeights(train), params });
  const validSet = Dataset.fromMatrix(lib, { ...withWeights(valid), params, reference: trainSet });
  const booster = Booster.create({
    params: { ...params, num_iterations: ROUNDS },
    train: trainSet,
    valid: [{ name: 'valid', dataset: validSet }],
  });
  const history: Record<string, number[]> = { l2: [], l1: [] };
  for (let i = 0; i < ROUNDS; i++) {
    expect(booster.updateOneIter()).toBe(false);
    for (const e of booster.evalValid()) history[e.metric].push(e.value);
  }
  trainSet.dispose();
  validSet.dispose();
  return { booster, history };
}

describe('Booster against LightGBM’s Python package', () => {
  let version: string;
  let weighted: ReferenceResult;
  let unweighted: ReferenceResult;
  let ours: ReturnType<typeof trainBinding>;
  let oursUnweighted: ReturnType<typeof trainBinding>;

  beforeAll(() => {
    const ref = runPythonReference(
      [true, false].map((useWeights) => ({
        id: useWeights ? 'weighted' : 'unweighted',
        train,
        useWeights,
        valid: [{ name: 'valid', problem: valid }],
        params: DETERMINISTIC,
        numBoostRound: ROUNDS,
        earlyStoppingRounds: null,
        predict: { matrix: valid, numIteration: ROUNDS },
      })),
    );
    version = ref.version;
    weighted = ref.results.get('weighted')!;
    unweighted = ref.results.get('unweighted')!;
    ours = trainBinding(DETERMINISTIC, true);
    oursUnweighted = trainBinding(DETERMINISTIC, false);
  });

  afterAll(() => {
    ours?.booster.dispose();
    oursUnweighted?.booster.dispose();
  });

  it('runs the pinned LightGBM version on both sides', () => {
    expect(version).toBe('4.7.0');
    expect(ours.booster.saveModelToString()).toContain('\nversion=v4\n');
  });

  it('writes the same model text, byte for byte, except the pandas footer Python appends', () => {
    expect(weighted.numTrees).toBe(ROUNDS);
    expect(ours.booster.currentIteration).toBe(ROUNDS);
    expect(ours.booster.saveModelToString()).toBe(withoutPythonFooter(weighted.modelText));
    expect(oursUnweighted.booster.saveModelToString()).toBe(withoutPythonFooter(unweighted.modelText));
  });

  it('predicts the same values (to 1e-12) for rows with NaN and exact zeros', () => {
    const nanRows = new Set<number>();
    const zeroRows = new Set<number>();
    valid.data.forEach((v, i) => (Number.isNaN(v) ? nanRows : v === 0 ? zeroRows : undefined)?.add(Math.floor(i / valid.nCols)));
    expect(nanRows.size).toBeGreaterThan(100);
    expect(zeroRows.size).toBeGreaterThan(100);
    const predictions = ours.booster.predict(valid, { numIteration: ROUNDS });
    expect(predictions).toHaveLength(valid.nRows);
    expect(maxAbsDiff(predictions, weighted.predictions!)).toBeLessThanOrEqual(1e-12);
  });

  it('evaluates the validation set (binned with the training set’s bins) as Python does, every iteration', () => {
    expect(ours.booster.evalNames()).toEqual(['l2', 'l1']);
    expect(ours.booster.validNames).toEqual(['valid']);
    expect(maxAbsDiff(ours.history.l2, weighted.evals.valid.l2)).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDiff(ours.history.l1, weighted.evals.valid.l1)).toBeLessThanOrEqual(1e-12);
  });

  it('reports the same gain importance', () => {
    // lgb.train returns a booster reloaded from its model text, whose split gains went through the text format;
    // the same reload on this side must give exactly Python's numbers, the live booster the unrounded ones.
    const reloaded = Booster.fromModelString(lib, ours.booster.saveModelToString());
    try {
      expect(Array.from(reloaded.featureImportance({ importanceType: 'gain' }))).toEqual(weighted.importanceGain);
    } finally {
      reloaded.dispose();
    }
    const gain = ours.booster.featureImportance({ importanceType: 'gain' });
    expect(maxAbsDiff(gain, weighted.importanceGain)).toBeLessThanOrEqual(1e-6 * Math.max(...gain));
    const splits = ours.booster.featureImportance();
    expect(splits.every(Number.isInteger)).toBe(true);
    expect(splits[0]).toBeGreaterThan(0);
  });

  it('lets row weights change the model', () => {
    expect(weighted.modelText).not.toBe(unweighted.modelText);
    const a = ours.booster.predict(valid);
    const b = oursUnweighted.booster.predict(valid);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
  });
});

describe('Booster models', () => {
  let booster: Booster;
  let text: string;
  const scratch = mkdtempSync(join(tmpdir(), 'shelfcast-lgbm-model-'));

  beforeAll(() => {
    booster = trainBinding(DETERMINISTIC, true).booster;
    text = booster.saveModelToString();
  });
  afterAll(() => {
    booster.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('loads back from its text with identical predictions and text', () => {
    const loaded = Booster.fromModelString(lib, text);
    try {
      expect(loaded.currentIteration).toBe(ROUNDS);
      expect(loaded.numFeature).toBe(train.nCols);
      expect(loaded.saveModelToString()).toBe(text);
      expect(loaded.predict(valid)).toEqual(booster.predict(valid));
      expect(loaded.predict(valid, { numIteration: 10 })).toEqual(booster.predict(valid, { numIteration: 10 }));
    } finally {
      loaded.dispose();
    }
  });

  it('refuses to train a loaded model (LightGBM would crash: it has no training data)', () => {
    const loaded = Booster.fromModelString(lib, text);
    const validSet = Dataset.fromMatrix(lib, { ...valid, params: DETERMINISTIC });
    try {
      expect(() => loaded.updateOneIter()).toThrowError(
        new TrainingError('cannot train: this Booster was loaded from a model and has no training data'),
      );
      expect(() => loaded.rollbackOneIter()).toThrowError(
        'cannot roll back an iteration: this Booster was loaded from a model and has no training data',
      );
      expect(() => loaded.addValid({ name: 'valid', dataset: validSet })).toThrowError(
        'cannot add a validation set: this Booster was loaded from a model and has no training data',
      );
      expect(loaded.evalNames()).toEqual([]);
      expect(loaded.evalTrain()).toEqual([]);
      expect(loaded.currentIteration).toBe(ROUNDS);
    } finally {
      loaded.dispose();
      validSet.dispose();
    }
  });

  it('loads from a model file', () => {
    const path = join(scratch, 'model.txt');
    writeFileSync(path, text);
    const loaded = Booster.fromModelFile(lib, path);
    try {
      expect(loaded.predict(valid)).toEqual(booster.predict(valid));
    } finally {
      loaded.dispose();
    }
  });

  it('saves and predicts a prefix of the iterations', () => {
    const prefix = Booster.fromModelString(lib, booster.saveModelToString({ numIteration: 10 }));
    try {
      expect(prefix.currentIteration).toBe(10);
      expect(prefix.predict(valid)).toEqual(booster.predict(valid, { numIteration: 10 }));
      expect(maxAbsDiff(prefix.predict(valid), booster.predict(valid))).toBeGreaterThan(0);
    } finally {
      prefix.dispose();
    }
  });

  it('dumps the model as JSON', () => {
    const dump = JSON.parse(booster.dumpModel()) as { version: string; tree_info: unknown[]; feature_names: string[] };
    expect(dump.version).toBe('v4');
    expect(dump.tree_info).toHaveLength(ROUNDS);
    expect(dump.feature_names).toEqual(Array.from({ length: train.nCols }, (_, i) => `Column_${i}`));
  });

  it('uses the thread count given to predict without changing the result', () => {
    expect(booster.predict(valid, { params: { num_threads: 2 } })).toEqual(booster.predict(valid));
  });
});

describe('Booster errors', () => {
  it('surfaces LightGBM’s own text for an invalid parameter as a TrainingError', () => {
    const trainSet = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    try {
      expect(() => Booster.create({ params: { ...DETERMINISTIC, objective: 'regresion' }, train: trainSet })).toThrowError(
        new TrainingError('creating a booster failed (LGBM_BoosterCreate): Unknown objective type name: regresion'),
      );
      let error: unknown;
      try {
        Booster.create({ params: { ...DETERMINISTIC, bagging_fraction: 1.5 }, train: trainSet });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(TrainingError);
      expect((error as TrainingError).code).toBe('TRAINING');
      expect((error as TrainingError).message).toMatch(/Check failed: \(bagging_fraction\) <= \(1\.0\)/);
    } finally {
      trainSet.dispose();
    }
  });

  it('refuses booster parameters that contradict how the training data was binned', () => {
    const trainSet = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    try {
      expect(() => Booster.create({ params: { ...DETERMINISTIC, max_bin: 63 }, train: trainSet })).toThrowError(
        'checking booster parameters against the training dataset failed (LGBM_DatasetUpdateParamChecking): ' +
          'Cannot change max_bin after constructed Dataset handle.',
      );
    } finally {
      trainSet.dispose();
    }
  });

  it('refuses a validation set that does not share the training set’s bins', () => {
    const trainSet = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    const ownBins = Dataset.fromMatrix(lib, { ...valid, params: DETERMINISTIC });
    try {
      expect(() =>
        Booster.create({ params: DETERMINISTIC, train: trainSet, valid: [{ name: 'valid', dataset: ownBins }] }),
      ).toThrowError(
        'adding validation set "valid" failed (LGBM_BoosterAddValidData): ' +
          'Cannot add validation data, since it has different bin mappers with training data',
      );
    } finally {
      trainSet.dispose();
      ownBins.dispose();
    }
  });

  it('reports a wrong column count at prediction with LightGBM’s text', () => {
    const { booster } = trainBinding(DETERMINISTIC, false);
    try {
      expect(() => booster.predict({ data: new Float32Array(10), nRows: 2, nCols: 5 })).toThrowError(
        new RegExp(
          '^predicting failed \\(LGBM_BoosterPredictForMat\\): ' +
            'The number of features in data \\(5\\) is not the same as it was in training data \\(12\\)\\.',
        ),
      );
      expect(() => booster.predict({ data: new Float32Array(10), nRows: 3, nCols: 5 })).toThrowError(
        'Booster.predict: data has 10 values, expected nRows × nCols = 15',
      );
    } finally {
      booster.dispose();
    }
  });

  it('reports unreadable models with LightGBM’s text', () => {
    expect(() => Booster.fromModelString(lib, 'not a model')).toThrowError(
      'loading a model from a string failed (LGBM_BoosterLoadModelFromString): Model file doesn\'t specify the number of classes',
    );
    expect(() => Booster.fromModelFile(lib, '/nonexistent/model.txt')).toThrowError(
      'loading the model file /nonexistent/model.txt failed (LGBM_BoosterCreateFromModelfile): Could not open /nonexistent/model.txt',
    );
  });

  it('throws a clear error, not a crash, when used after dispose; dispose is idempotent', () => {
    const { booster } = trainBinding(DETERMINISTIC, false);
    booster.dispose();
    booster.dispose();
    booster[Symbol.dispose]();
    expect(booster.disposed).toBe(true);
    const disposed = new TrainingError('this LightGBM Booster has been disposed');
    expect(() => booster.predict(valid)).toThrowError(disposed);
    expect(() => booster.updateOneIter()).toThrowError(disposed);
    expect(() => booster.saveModelToString()).toThrowError(disposed);
    expect(() => booster.currentIteration).toThrowError(disposed);
    expect(() => booster.evalValid()).toThrowError(disposed);
  });
});
