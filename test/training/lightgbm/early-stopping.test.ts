import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from '../../../core/errors.js';
import {
  Dataset,
  LightGbmLibrary,
  trainWithEarlyStopping,
  type EarlyStoppingResult,
  type IterationProgress,
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
  type ReferenceRun,
} from './fixtures.js';

const lib = LightGbmLibrary.open();
const problem = syntheticProblem(3000, 12, 7);
const train = rowSlice(problem, 0, 2000);
const validA = rowSlice(problem, 2000, 2500);
const validB = rowSlice(problem, 2500, 3000);
/**
 * A high learning rate and tiny leaves overfit quickly, so validation loss turns up early; with these settings
 * the (set, metric) pairs stall at different iterations, which makes the stopping rule's details visible.
 */
const OVERFIT: LightGbmParams = {
  ...DETERMINISTIC,
  metric: ['l1', 'l2'],
  learning_rate: 0.3,
  num_leaves: 31,
  min_data_in_leaf: 2,
};
const BOTH_SETS = [
  { name: 'a', problem: validA },
  { name: 'b', problem: validB },
];

interface Case {
  id: string;
  params: LightGbmParams;
  valid: { name: string; problem: Problem }[];
  numBoostRound: number;
  earlyStoppingRounds: number;
  firstMetricOnly?: boolean;
}

const CASES: Case[] = [
  { id: 'one-valid', params: OVERFIT, valid: [{ name: 'valid', problem: validA }], numBoostRound: 300, earlyStoppingRounds: 4 },
  // The last pair (b, l2) stalls first and decides.
  { id: 'two-valid', params: OVERFIT, valid: BOTH_SETS, numBoostRound: 300, earlyStoppingRounds: 4 },
  // Only l1 is watched, on both sets: (b, l1) stalls first.
  { id: 'first-metric-only', params: OVERFIT, valid: BOTH_SETS, numBoostRound: 300, earlyStoppingRounds: 4, firstMetricOnly: true },
  {
    id: 'rounds-run-out',
    params: { ...DETERMINISTIC, learning_rate: 0.05 },
    valid: [{ name: 'valid', problem: validA }],
    numBoostRound: 25,
    earlyStoppingRounds: 5,
  },
  // A high split-gain threshold: from round 11 on, most rounds grow no tree (one more grows on a later bagging
  // sample), so rounds and model iterations part.
  {
    id: 'rounds-without-a-tree',
    params: { ...DETERMINISTIC, learning_rate: 0.3, num_leaves: 31, min_gain_to_split: 200 },
    valid: [{ name: 'valid', problem: validA }],
    numBoostRound: 60,
    earlyStoppingRounds: 5,
  },
];

function trainCase(c: Case, extra: { keepAllIterations?: boolean; onIteration?: (p: IterationProgress) => void } = {}) {
  const trainSet = Dataset.fromMatrix(lib, { ...train, weights: undefined, params: c.params });
  const validSets = c.valid.map((v) => ({
    name: v.name,
    dataset: Dataset.fromMatrix(lib, { ...v.problem, weights: undefined, params: c.params, reference: trainSet }),
  }));
  try {
    return trainWithEarlyStopping({
      params: c.params,
      train: trainSet,
      valid: validSets,
      numBoostRound: c.numBoostRound,
      earlyStoppingRounds: c.earlyStoppingRounds,
      firstMetricOnly: c.firstMetricOnly,
      ...extra,
    });
  } finally {
    trainSet.dispose();
    for (const v of validSets) v.dataset.dispose();
  }
}

describe('trainWithEarlyStopping against lgb.early_stopping', () => {
  const reference = new Map<string, ReferenceResult>();
  const ours = new Map<string, EarlyStoppingResult>();

  beforeAll(() => {
    const runs: ReferenceRun[] = CASES.map((c) => ({
      id: c.id,
      train,
      useWeights: false,
      valid: c.valid,
      params: c.params,
      numBoostRound: c.numBoostRound,
      earlyStoppingRounds: c.earlyStoppingRounds,
      firstMetricOnly: c.firstMetricOnly,
      // lgb.train's booster holds only the best iteration's trees; 0 predicts with all of them.
      predict: { matrix: problem, numIteration: 0 },
    }));
    for (const [id, result] of runPythonReference(runs).results) reference.set(id, result);
    for (const c of CASES) ours.set(c.id, trainCase(c));
  });

  afterAll(() => {
    for (const r of ours.values()) r.booster.dispose();
  });

  it.each(CASES.map((c) => c.id))('%s: stops at Python’s best iteration', (id) => {
    const r = ours.get(id)!;
    expect(r.bestRound).toBe(reference.get(id)!.bestIteration);
    expect(r.booster.currentIteration).toBe(r.bestIteration);
  });

  it('covers distinct outcomes (different deciding pairs, every round used, rounds without a tree)', () => {
    const best = CASES.map((c) => ours.get(c.id)!.bestRound);
    expect(new Set(best).size).toBe(CASES.length);
    const oneValid = ours.get('one-valid')!;
    expect(oneValid.stoppedEarly).toBe(true);
    expect(oneValid.bestIteration).toBe(oneValid.bestRound);
    expect(oneValid.iterationsTrained).toBe(oneValid.bestRound + 4);
    const ranOut = ours.get('rounds-run-out')!;
    expect(ranOut.stoppedEarly).toBe(false);
    expect(ranOut.iterationsTrained).toBe(25);
    const sparse = ours.get('rounds-without-a-tree')!;
    expect(sparse.stoppedEarly).toBe(true);
    expect(sparse.iterationsTrained).toBeLessThan(sparse.history.valid.l2.length - 5);
    expect(sparse.bestIteration).toBeLessThan(sparse.bestRound);
  });

  it.each(CASES.map((c) => c.id))('%s: rolled back to the same model text and predictions as Python', (id) => {
    const r = ours.get(id)!;
    const ref = reference.get(id)!;
    expect(r.booster.saveModelToString()).toBe(withoutPythonFooter(ref.modelText));
    expect(maxAbsDiff(r.booster.predict(problem), ref.predictions!)).toBeLessThanOrEqual(1e-12);
  });

  it.each(CASES.map((c) => c.id))('%s: records the same evaluation history', (id) => {
    const r = ours.get(id)!;
    const ref = reference.get(id)!;
    expect(Object.keys(r.history)).toEqual(Object.keys(ref.evals));
    for (const [name, byMetric] of Object.entries(ref.evals)) {
      expect(Object.keys(r.history[name])).toEqual(Object.keys(byMetric));
      for (const [metric, values] of Object.entries(byMetric)) {
        expect(r.history[name][metric]).toHaveLength(values.length);
        expect(maxAbsDiff(r.history[name][metric], values)).toBeLessThanOrEqual(1e-12);
        expect(r.bestScore[name][metric]).toBe(values[r.bestRound - 1]);
      }
    }
  });
});

describe('trainWithEarlyStopping', () => {
  it('keeps every iteration when asked, and reports progress after each one', () => {
    const seen: IterationProgress[] = [];
    const r = trainCase(CASES[0], { keepAllIterations: true, onIteration: (p) => seen.push(p) });
    try {
      expect(r.booster.currentIteration).toBe(r.iterationsTrained);
      expect(seen.map((p) => p.iteration)).toEqual(Array.from({ length: r.iterationsTrained }, (_, i) => i + 1));
      expect(seen[0].numBoostRound).toBe(300);
      expect(seen[0].evals.map((e) => `${e.dataset}/${e.metric}`)).toEqual(['valid/l1', 'valid/l2']);
      expect(seen.at(-1)!.evals[0].value).toBe(r.history.valid.l1.at(-1));
      const best = trainCase(CASES[0]);
      try {
        expect(r.booster.saveModelToString({ numIteration: r.bestIteration })).toBe(best.booster.saveModelToString());
      } finally {
        best.booster.dispose();
      }
    } finally {
      r.booster.dispose();
    }
  });

  it('checks its arguments', () => {
    const trainSet = Dataset.fromMatrix(lib, { ...train, params: DETERMINISTIC });
    const validSet = Dataset.fromMatrix(lib, { ...validA, params: DETERMINISTIC, reference: trainSet });
    const base = {
      params: DETERMINISTIC,
      train: trainSet,
      valid: [{ name: 'valid', dataset: validSet }],
      numBoostRound: 10,
      earlyStoppingRounds: 3,
    };
    try {
      expect(() => trainWithEarlyStopping({ ...base, valid: [] })).toThrowError(
        new TrainingError('early stopping needs at least one validation set'),
      );
      expect(() => trainWithEarlyStopping({ ...base, earlyStoppingRounds: 0 })).toThrowError(
        'earlyStoppingRounds must be a positive integer, got 0',
      );
      expect(() => trainWithEarlyStopping({ ...base, numBoostRound: 2.5 })).toThrowError(
        'numBoostRound must be a positive integer, got 2.5',
      );
      expect(() => trainWithEarlyStopping({ ...base, params: { ...DETERMINISTIC, num_iterations: 50 } })).toThrowError(
        'params.num_iterations (50) contradicts numBoostRound (10)',
      );
      expect(() => trainWithEarlyStopping({ ...base, params: { ...DETERMINISTIC, boosting: 'dart' } })).toThrowError(
        'early stopping is not available with boosting=dart',
      );
      expect(() => trainWithEarlyStopping({ ...base, params: { ...DETERMINISTIC, metric: 'None' } })).toThrowError(
        'early stopping needs a metric; set params.metric',
      );
    } finally {
      trainSet.dispose();
      validSet.dispose();
    }
  });
});
