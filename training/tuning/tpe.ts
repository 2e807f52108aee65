import { UsageError } from '../../core/errors.js';
import { CategoricalParzenEstimator, NumericParzenEstimator } from './parzen-estimator.js';
import {
  checkTrialParams,
  numericScale,
  sampleUniform,
  validateSearchSpace,
  type SearchSpace,
  type TrialParams,
} from './search-space.js';

/** A finished trial as the sampler sees it; lower scores are better. */
export interface ScoredParams {
  params: TrialParams;
  /** Non-finite (NaN for a failed trial, or ±Infinity) counts as worse than every finite score. */
  score: number;
}

/** Tuning knobs of the TPE sampler; the defaults are Optuna's. */
export interface TpeOptions {
  /** How many of n trials form the good group (default `defaultGamma`); the result is clamped to [1, n]. */
  gamma?: (n: number) => number;
  /** Draws from the good density per dimension, of which the best ratio wins (default 24). */
  candidates?: number;
  /** Weight of the prior kernel against one observation's (default 1). */
  priorWeight?: number;
}

/** Optuna's default split: the best 10% of trials, rounded up, but never more than 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * Suggests the next parameters by the Tree-structured Parzen Estimator (Bergstra et al. 2011): the history is
 * split into a good group (the best `gamma(n)` trials) and the rest; per dimension, a Parzen estimator l fits the
 * good group and g the rest, `candidates` draws come from l, and the one maximising l/g (the expected-improvement
 * criterion of the paper) is taken. Dimensions are modelled independently, as in hyperopt and Optuna's univariate
 * TPE. With no history there is nothing to model and the draw is uniform.
 */
export function suggestTpe(
  space: SearchSpace,
  history: readonly ScoredParams[],
  rng: () => number,
  options: TpeOptions = {},
): TrialParams {
  validateSearchSpace(space);
  const gamma = options.gamma ?? defaultGamma;
  const candidates = options.candidates ?? 24;
  const priorWeight = options.priorWeight ?? 1;
  if (!Number.isInteger(candidates) || candidates < 1) {
    throw new UsageError(`TPE candidates must be a positive integer, got ${candidates}`);
  }
  if (!(priorWeight > 0 && Number.isFinite(priorWeight))) {
    throw new UsageError(`TPE priorWeight must be a positive number, got ${priorWeight}`);
  }
  history.forEach((h, i) => checkTrialParams(space, h.params, `history entry ${i + 1}`));
  if (history.length === 0) return sampleUniform(space, rng);

  const n = history.length;
  const goodCount = gamma(n);
  if (!Number.isFinite(goodCount)) throw new UsageError(`TPE gamma(${n}) must be a finite number, got ${goodCount}`);
  const { good, bad } = splitHistory(history, Math.min(Math.max(Math.floor(goodCount), 1), n));

  const params: TrialParams = {};
  for (const [name, dim] of Object.entries(space)) {
    if (dim.kind === 'choice') {
      const fit = (group: readonly ScoredParams[]) =>
        new CategoricalParzenEstimator(
          group.map((h) => dim.values.indexOf(h.params[name])),
          recencyWeights(group.length),
          dim.values.length,
          priorWeight,
        );
      const l = fit(good);
      const g = fit(bad);
      const index = bestCandidate(() => l.sample(rng), (c) => l.logDensity(c) - g.logDensity(c), candidates);
      params[name] = dim.values[index];
    } else {
      const scale = numericScale(dim);
      const fit = (group: readonly ScoredParams[]) =>
        new NumericParzenEstimator(
          group.map((h) => scale.toInternal(h.params[name] as number)),
          recencyWeights(group.length),
          scale.low,
          scale.high,
          priorWeight,
        );
      const l = fit(good);
      const g = fit(bad);
      // Candidates become values of the dimension (rounded, for ints) before they are compared, so the ratio is
      // judged at the value the trial will actually use.
      params[name] = bestCandidate(
        () => scale.toValue(l.sample(rng)),
        (v) => l.logDensity(scale.toInternal(v)) - g.logDensity(scale.toInternal(v)),
        candidates,
      );
    }
  }
  return params;
}

/**
 * The best `goodCount` trials and the rest, each in trial order (the recency weights rely on it). Non-finite
 * scores rank last; of equal scores, the earlier trial ranks better.
 */
function splitHistory(
  history: readonly ScoredParams[],
  goodCount: number,
): { good: ScoredParams[]; bad: ScoredParams[] } {
  const rankScore = (i: number) => (Number.isFinite(history[i].score) ? history[i].score : Infinity);
  const ranked = history.map((_, i) => i).sort((a, b) => rankScore(a) - rankScore(b) || a - b);
  const isGood = new Set(ranked.slice(0, goodCount));
  const good: ScoredParams[] = [];
  const bad: ScoredParams[] = [];
  history.forEach((h, i) => (isGood.has(i) ? good : bad).push(h));
  return { good, bad };
}

/**
 * Optuna's default observation weights, oldest first: equal for up to 25 trials; beyond that the latest 25 keep
 * weight 1 and older ones ramp linearly from 1/n (the oldest) towards 1, so the model follows the search as it
 * moves.
 */
export function recencyWeights(n: number): number[] {
  if (n <= 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const weights = Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1)));
  return [...weights, ...new Array<number>(25).fill(1)];
}

/** The draw with the largest log l - log g among `candidates` draws (the first on ties). */
function bestCandidate<V>(draw: () => V, logRatio: (v: V) => number, candidates: number): V {
  let best = draw();
  let bestRatio = logRatio(best);
  for (let i = 1; i < candidates; i++) {
    const v = draw();
    const ratio = logRatio(v);
    if (ratio > bestRatio) {
      best = v;
      bestRatio = ratio;
    }
  }
  return best;
}
