/**
 * The two densities of TPE, one dimension at a time: a mixture with one kernel per observation plus a prior
 * kernel, as in hyperopt and Optuna's univariate TPE (Bergstra et al. 2011).
 */

/** A density over one dimension that can be drawn from and evaluated. */
export interface ParzenEstimator<T> {
  sample(rng: () => number): T;
  logDensity(x: T): number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Gaussian kernels truncated to [low, high], centred on the observations, plus a prior kernel centred on the
 * middle of the interval and as wide as it. An observation's bandwidth is its larger gap to a neighbouring
 * observation or bound, the outermost observations taking the gap to their inner neighbour (Optuna's rule
 * without endpoints), clipped to [range / min(100, kernels + 1), range] (hyperopt's "magic clip", which keeps a
 * tight cluster from collapsing to spikes).
 */
export class NumericParzenEstimator implements ParzenEstimator<number> {
  readonly low: number;
  readonly high: number;
  /** Kernel centres; the last one is the prior's. */
  readonly centres: readonly number[];
  /** Kernel bandwidths, in the order of `centres`. */
  readonly bandwidths: readonly number[];
  /** Mixture weights, summing to 1, in the order of `centres`. */
  readonly weights: readonly number[];
  /** Per kernel: log weight - log bandwidth - log of the kernel's mass inside [low, high] - log sqrt(2 pi). */
  readonly #logScale: number[];

  /**
   * @param observations points in [low, high]
   * @param observationWeights one non-negative weight per observation, relative to `priorWeight`
   */
  constructor(
    observations: readonly number[],
    observationWeights: readonly number[],
    low: number,
    high: number,
    priorWeight: number,
  ) {
    this.low = low;
    this.high = high;
    const range = high - low;
    const n = observations.length;
    this.centres = [...observations, 0.5 * (low + high)];

    const order = observations.map((_, i) => i).sort((a, b) => observations[a] - observations[b]);
    const sorted = order.map((i) => observations[i]);
    // gaps[i] is the distance from sorted[i] to its left neighbour (or low); gaps[n] from high to the last one.
    const gaps = [...sorted, high].map((x, i) => x - (i === 0 ? low : sorted[i - 1]));
    const widths = sorted.map((_, i) => Math.max(gaps[i], gaps[i + 1]));
    if (n >= 2) {
      // Otherwise the outer kernels would reach for the bounds and put mass where nothing was observed.
      widths[0] = gaps[1];
      widths[n - 1] = gaps[n - 1];
    }
    const minWidth = range / Math.min(100, n + 2);
    const bandwidths = new Array<number>(n + 1);
    order.forEach((observation, rank) => {
      bandwidths[observation] = Math.min(Math.max(widths[rank], minWidth), range);
    });
    bandwidths[n] = range;
    this.bandwidths = bandwidths;

    const total = observationWeights.reduce((s, w) => s + w, 0) + priorWeight;
    this.weights = [...observationWeights, priorWeight].map((w) => w / total);
    this.#logScale = this.centres.map((mu, k) => {
      const sigma = bandwidths[k];
      const mass = normalCdf((high - mu) / sigma) - normalCdf((low - mu) / sigma);
      return Math.log(this.weights[k]) - Math.log(sigma) - Math.log(mass) - LOG_SQRT_2PI;
    });
  }

  sample(rng: () => number): number {
    const k = pickIndex(this.weights, rng);
    const mu = this.centres[k];
    const sigma = this.bandwidths[k];
    // Every centre lies in [low, high] and no bandwidth exceeds the range, so over a third of a kernel's mass is
    // inside (the least when it sits on a bound) and rejection needs few draws; the cap only guards the loop.
    for (let attempt = 0; attempt < 1000; attempt++) {
      const x = mu + sigma * standardNormal(rng);
      if (x >= this.low && x <= this.high) return x;
    }
    return Math.min(Math.max(mu, this.low), this.high);
  }

  logDensity(x: number): number {
    // log-sum-exp over the kernels, shifted by the largest term so that far-away points do not underflow to 0.
    const terms = new Float64Array(this.centres.length);
    let max = -Infinity;
    for (let k = 0; k < terms.length; k++) {
      const z = (x - this.centres[k]) / this.bandwidths[k];
      terms[k] = this.#logScale[k] - 0.5 * z * z;
      if (terms[k] > max) max = terms[k];
    }
    let sum = 0;
    for (let k = 0; k < terms.length; k++) sum += Math.exp(terms[k] - max);
    return max + Math.log(sum);
  }
}

/**
 * A mixture over category indices: each observation's kernel is its category smoothed towards all categories
 * (weight 1 on it, `priorWeight / kernels` on every category, normalised, as in Optuna), and the prior kernel is
 * uniform, so an unseen category keeps some probability.
 */
export class CategoricalParzenEstimator implements ParzenEstimator<number> {
  /** Probability of each category index. */
  readonly probabilities: readonly number[];

  constructor(
    observations: readonly number[],
    observationWeights: readonly number[],
    size: number,
    priorWeight: number,
  ) {
    const total = observationWeights.reduce((s, w) => s + w, 0) + priorWeight;
    const smoothing = priorWeight / (observations.length + 1);
    const probabilities = new Array<number>(size).fill(priorWeight / total / size);
    observations.forEach((category, i) => {
      const share = observationWeights[i] / total / (1 + smoothing * size);
      for (let c = 0; c < size; c++) probabilities[c] += share * ((c === category ? 1 : 0) + smoothing);
    });
    this.probabilities = probabilities;
  }

  sample(rng: () => number): number {
    return pickIndex(this.probabilities, rng);
  }

  logDensity(category: number): number {
    return Math.log(this.probabilities[category]);
  }
}

/** Index drawn with probability proportional to its (non-negative) weight. */
function pickIndex(weights: readonly number[], rng: () => number): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let u = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  // Rounding can leave u at a hair above zero after the last weight.
  let last = weights.length - 1;
  while (last > 0 && weights[last] === 0) last--;
  return last;
}

/** Box-Muller; one of the pair is dropped, which keeps the draw a pure function of the generator's state. */
function standardNormal(rng: () => number): number {
  const u = 1 - rng(); // in (0, 1], so the logarithm is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Standard normal CDF through erfc. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Complementary error function, Chebyshev-fitted (Press et al., Numerical Recipes, `erfcc`): relative error
 * below 1.2e-7 everywhere, ample for the kernel masses, which are never below a third.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
      t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}
