import { describe, expect, it } from 'vitest';
import {
  CategoricalParzenEstimator,
  NumericParzenEstimator,
  normalCdf,
} from '../../../training/tuning/parzen-estimator.js';
import { seededRandom } from '../../support/seeded-random.js';

/** Trapezoid rule over [a, b] with `steps` intervals. */
function integrate(f: (x: number) => number, a: number, b: number, steps = 20_000): number {
  const h = (b - a) / steps;
  let sum = 0.5 * (f(a) + f(b));
  for (let i = 1; i < steps; i++) sum += f(a + i * h);
  return sum * h;
}

describe('normalCdf', () => {
  it('matches tabulated values of the standard normal CDF to 1e-7', () => {
    const table: [number, number][] = [
      [0, 0.5],
      [1, 0.8413447460685429],
      [-1.96, 0.024997895148220435],
      [3, 0.9986501019683699],
      [-0.5, 0.3085375387259869],
    ];
    for (const [x, p] of table) expect(Math.abs(normalCdf(x) - p)).toBeLessThan(1e-7);
  });
});

describe('NumericParzenEstimator', () => {
  it('sets bandwidths from neighbour gaps (outer kernels: inner gap), clipped; the prior spans the range', () => {
    // Sorted 0.2, 0.3, 0.9 with gaps 0.2 | 0.1 | 0.6 | 0.1: the inner kernel takes its larger gap (0.6), the outer
    // ones their inner gap (0.1 and 0.6); the clip floor is 1 / min(100, 3 + 2) = 0.2.
    const pe = new NumericParzenEstimator([0.9, 0.2, 0.3], [1, 1, 1], 0, 1, 1);
    expect(pe.centres).toEqual([0.9, 0.2, 0.3, 0.5]);
    expectAll(pe.bandwidths, [0.6, 0.2, 0.6, 1]);
  });

  it('gives a lone observation its larger gap to the bounds', () => {
    const pe = new NumericParzenEstimator([0.25], [1], 0, 1, 1);
    expectAll(pe.bandwidths, [0.75, 1]);
  });

  it('keeps a tight cluster from collapsing (the clip floor range / (n + 2))', () => {
    const pe = new NumericParzenEstimator([4, 4, 4], [1, 1, 1], 0, 10, 1);
    expectAll(pe.bandwidths, [2, 2, 2, 10]);
  });

  it('weighs kernels by observation weight against the prior weight', () => {
    const pe = new NumericParzenEstimator([0.2, 0.3, 0.9], [1, 2, 1], 0, 1, 1);
    expectAll(pe.weights, [0.2, 0.4, 0.2, 0.2]);
  });

  const estimators = {
    'linear domain': new NumericParzenEstimator([0.2, 0.3, 0.9, 0.95], [1, 2, 1, 0.5], 0, 1, 1),
    // A log domain, ln(1e-4)..ln(1), with the observations crowding one end.
    'log domain': new NumericParzenEstimator([-9, -8.9, -8.7, -2], [1, 1, 1, 1], Math.log(1e-4), 0, 2),
    'prior only': new NumericParzenEstimator([], [], -3, 5, 1),
  };

  for (const [name, pe] of Object.entries(estimators)) {
    it(`has a density that integrates to 1 over its interval (${name})`, () => {
      expect(Math.abs(integrate((x) => Math.exp(pe.logDensity(x)), pe.low, pe.high) - 1)).toBeLessThan(1e-4);
    });

    it(`draws inside its interval, as often in a sub-interval as the density says (${name})`, () => {
      const rng = seededRandom(17);
      const n = 20_000;
      const xs = Array.from({ length: n }, () => pe.sample(rng));
      expect(xs.filter((x) => !(x >= pe.low && x <= pe.high))).toEqual([]);
      const a = pe.low + 0.1 * (pe.high - pe.low);
      const b = pe.low + 0.4 * (pe.high - pe.low);
      const expected = integrate((x) => Math.exp(pe.logDensity(x)), a, b);
      // Binomial standard deviation is at most 0.0036 at n = 20,000.
      expect(Math.abs(xs.filter((x) => x >= a && x < b).length / n - expected)).toBeLessThan(0.015);
    });
  }
});

describe('CategoricalParzenEstimator', () => {
  // Observations 0, 0, 2 of three categories, prior weight 1: each observation's kernel is (1 on its category +
  // 1/4 everywhere) / 1.75, i.e. 5/7 and 1/7; the prior is 1/3 each; the four kernels weigh 1/4 each.
  const pe = new CategoricalParzenEstimator([0, 0, 2], [1, 1, 1], 3, 1);

  it('smooths the weighted counts towards uniform (hand-computed)', () => {
    expectAll(pe.probabilities, [10 / 21, 4 / 21, 7 / 21]);
  });

  it('draws categories with those probabilities', () => {
    const rng = seededRandom(5);
    const n = 20_000;
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[pe.sample(rng)]++;
    counts.forEach((c, i) => expect(Math.abs(c / n - pe.probabilities[i])).toBeLessThan(0.015));
    expect(pe.logDensity(1)).toBeCloseTo(Math.log(4 / 21), 12);
  });

  it('is uniform without observations', () => {
    expectAll(new CategoricalParzenEstimator([], [], 4, 1).probabilities, [0.25, 0.25, 0.25, 0.25]);
  });
});

function expectAll(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
}
