import { TrainingError } from '../../core/errors.js';
import { Booster, type EvalResult, type NamedDataset } from './booster.js';
import type { Dataset } from './dataset.js';
import type { LightGbmParams } from './params.js';

/** What to train and when to stop. */
export interface EarlyStoppingOptions {
  /** Booster parameters; `num_iterations` is set to `numBoostRound`. */
  params: LightGbmParams;
  train: Dataset;
  /** At least one validation set, each built with `reference: train`. */
  valid: readonly NamedDataset[];
  /** Most boosting rounds to run. */
  numBoostRound: number;
  /** Stop once a (validation set, metric) pair has not improved for this many rounds. */
  earlyStoppingRounds: number;
  /** Watch only the first metric (on every validation set). */
  firstMetricOnly?: boolean;
  /** An improvement must exceed this to count (default 0). */
  minDelta?: number;
  /** Keep the iterations after the best round (default: roll them back, so the booster is the best model). */
  keepAllIterations?: boolean;
  /** Called after every round, e.g. for progress. */
  onIteration?: (progress: IterationProgress) => void;
}

/** Progress after one boosting round. */
export interface IterationProgress {
  /** 1-based round just trained. */
  iteration: number;
  numBoostRound: number;
  evals: readonly EvalResult[];
}

/** Metric values by validation set name, then metric name. */
export type EvalScores = Record<string, Record<string, number>>;
/** Metric values per round (index r = round r + 1) by validation set name, then metric name. */
export type EvalHistory = Record<string, Record<string, number[]>>;

/** The trained booster (the caller disposes it) and how training went. */
export interface EarlyStoppingResult {
  booster: Booster;
  /** Iterations (tree rounds) of the model at the best round: what the booster keeps unless keepAllIterations. */
  bestIteration: number;
  /**
   * 1-based round with the best score, as `Booster.best_iteration` in LightGBM's Python package. Equal to
   * bestIteration unless some earlier round grew no tree (then Python's saved model would also hold later trees).
   */
  bestRound: number;
  /** Every metric at the best round. */
  bestScore: EvalScores;
  /** Every metric after every round (index r = round r + 1). */
  history: EvalHistory;
  /** Iterations the booster held before rolling back to the best one. */
  iterationsTrained: number;
  /** Stopped before `numBoostRound` because a metric stalled. */
  stoppedEarly: boolean;
}

/**
 * Trains with validation-based early stopping. The rule is that of `lgb.early_stopping` in LightGBM's Python
 * package: every (validation set, metric) pair keeps its best score; training stops at the first pair without
 * strict improvement for `earlyStoppingRounds` rounds, and that pair's best round is the result (when all rounds
 * run, the first watched pair's). The booster is then rolled back to the model it was at that round.
 */
export function trainWithEarlyStopping(options: EarlyStoppingOptions): EarlyStoppingResult {
  const { numBoostRound, earlyStoppingRounds, valid } = options;
  const minDelta = options.minDelta ?? 0;
  if (!Number.isInteger(numBoostRound) || numBoostRound < 1) {
    throw new TrainingError(`numBoostRound must be a positive integer, got ${numBoostRound}`);
  }
  if (!Number.isInteger(earlyStoppingRounds) || earlyStoppingRounds < 1) {
    throw new TrainingError(`earlyStoppingRounds must be a positive integer, got ${earlyStoppingRounds}`);
  }
  if (!(minDelta >= 0)) throw new TrainingError(`minDelta must be non-negative, got ${minDelta}`);
  if (valid.length === 0) throw new TrainingError('early stopping needs at least one validation set');
  if (options.params.boosting === 'dart') {
    // DART rescales earlier trees when it drops them, so "the model at the best iteration" no longer exists.
    throw new TrainingError('early stopping is not available with boosting=dart');
  }
  if (options.params.num_iterations !== undefined && options.params.num_iterations !== numBoostRound) {
    throw new TrainingError(
      `params.num_iterations (${options.params.num_iterations}) contradicts numBoostRound (${numBoostRound})`,
    );
  }

  const booster = Booster.create({
    params: { ...options.params, num_iterations: numBoostRound },
    train: options.train,
    valid,
  });
  let complete = false;
  try {
    const metrics = booster.evalNames();
    if (metrics.length === 0) throw new TrainingError('early stopping needs a metric; set params.metric');
    const watch = new StallWatch(metrics, valid.length, options.firstMetricOnly ?? false, minDelta);
    const history: EvalHistory = {};
    for (const { name } of valid) history[name] = Object.fromEntries(metrics.map((m) => [m, []]));

    // LightGBM may grow no tree in a round (no split meets the requirements) and grow again later, e.g. on
    // another bagging sample; like the Python loop, keep going, and count rounds apart from model iterations.
    const iterationsAtRound: number[] = [];
    let bestRound = 0;
    let stoppedEarly = false;
    for (let round = 1; round <= numBoostRound; round++) {
      booster.updateOneIter();
      iterationsAtRound.push(booster.currentIteration);
      const evals = booster.evalValid();
      for (const e of evals) history[e.dataset][e.metric].push(e.value);
      options.onIteration?.({ iteration: round, numBoostRound, evals });
      const stalled = watch.update(round, evals, earlyStoppingRounds, round === numBoostRound);
      if (stalled !== undefined) {
        bestRound = stalled;
        stoppedEarly = round < numBoostRound;
        break;
      }
    }
    const iterationsTrained = booster.currentIteration;
    const bestIteration = iterationsAtRound[bestRound - 1];
    if (!options.keepAllIterations) {
      while (booster.currentIteration > bestIteration) booster.rollbackOneIter();
    }
    const bestScore: EvalScores = {};
    for (const [name, byMetric] of Object.entries(history)) {
      bestScore[name] = Object.fromEntries(
        Object.entries(byMetric).map(([metric, values]) => [metric, values[bestRound - 1]]),
      );
    }
    complete = true;
    return { booster, bestIteration, bestRound, bestScore, history, iterationsTrained, stoppedEarly };
  } finally {
    if (!complete) booster.dispose();
  }
}

/** Best score and round of every (validation set, metric) pair, in evaluation order. */
class StallWatch {
  readonly #bestValue: number[];
  readonly #bestRound: number[];
  readonly #watched: boolean[];
  readonly #minDelta: number;

  constructor(metrics: readonly string[], validCount: number, firstMetricOnly: boolean, minDelta: number) {
    const pairs = validCount * metrics.length;
    this.#bestValue = new Array<number>(pairs).fill(Number.NaN);
    this.#bestRound = new Array<number>(pairs).fill(0);
    this.#watched = Array.from({ length: pairs }, (_, i) => !firstMetricOnly || i % metrics.length === 0);
    this.#minDelta = minDelta;
  }

  /**
   * Records one round; returns the best round of the pair that decides to stop, if any. On the last round the
   * first watched pair decides, as in LightGBM's Python callback.
   */
  update(round: number, evals: readonly EvalResult[], rounds: number, last: boolean): number | undefined {
    for (let i = 0; i < evals.length; i++) {
      const { value, higherIsBetter } = evals[i];
      const best = this.#bestValue[i];
      const improved = round === 1 || (higherIsBetter ? value > best + this.#minDelta : value < best - this.#minDelta);
      if (improved) {
        this.#bestValue[i] = value;
        this.#bestRound[i] = round;
      }
      if (!this.#watched[i]) continue;
      if (last || round - this.#bestRound[i] >= rounds) return this.#bestRound[i];
    }
    return undefined;
  }
}
