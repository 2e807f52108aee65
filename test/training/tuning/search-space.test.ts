import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import {
  checkTrialParams,
  sampleUniform,
  validateSearchSpace,
  type Dimension,
  type SearchSpace,
  type TrialParams,
} from '../../../training/tuning/index.js';
import { seededRandom } from '../../support/seeded-random.js';

/** The error `fn` throws, so that class and message can both be asserted. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function expectUsageError(fn: () => unknown, message: string): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).message).toBe(message);
}

const SPACE: SearchSpace = {
  learning_rate: { kind: 'float', low: 1e-4, high: 1, log: true },
  feature_fraction: { kind: 'float', low: 0.5, high: 1 },
  num_leaves: { kind: 'int', low: 2, high: 256, log: true },
  max_bin: { kind: 'int', low: 0, high: 4 },
  boosting: { kind: 'choice', values: ['gbdt', 'goss', 'dart'] },
};

describe('validateSearchSpace', () => {
  it('accepts a well-formed space', () => {
    expect(() => validateSearchSpace(SPACE)).not.toThrow();
  });

  it('rejects each malformed dimension with a message naming it', () => {
    const cases: [Dimension, string][] = [
      [{ kind: 'float', low: 0.3, high: 0.01 }, 'low (0.3) must be below high (0.01)'],
      [{ kind: 'int', low: 5, high: 5 }, 'low (5) must be below high (5)'],
      [{ kind: 'float', low: 0, high: 1, log: true }, 'log scale needs low > 0, got 0'],
      [{ kind: 'int', low: -3, high: 8, log: true }, 'log scale needs low > 0, got -3'],
      [{ kind: 'int', low: 1.5, high: 10 }, 'int bounds must be integers, got 1.5 and 10'],
      [{ kind: 'float', low: -Infinity, high: 1 }, 'low and high must be finite numbers, got -Infinity and 1'],
      [{ kind: 'float', low: Number.NaN, high: 1 }, 'low and high must be finite numbers, got NaN and 1'],
      [{ kind: 'choice', values: [] }, 'choice needs at least one value'],
      [{ kind: 'choice', values: ['gbdt', 'dart', 'gbdt'] }, 'choice value "gbdt" appears twice'],
      [{ kind: 'choice', values: [1, Number.NaN] }, 'choice value NaN is not a string, boolean or finite number'],
      [
        { kind: 'uniform', low: 0, high: 1 } as unknown as Dimension,
        'unknown kind "uniform" (expected float, int or choice)',
      ],
    ];
    for (const [dim, problem] of cases) {
      const space = { ...SPACE, lambda_l2: dim };
      expectUsageError(() => validateSearchSpace(space), `search space dimension lambda_l2: ${problem}`);
    }
  });

  it('rejects an empty space', () => {
    expectUsageError(() => validateSearchSpace({}), 'search space has no dimensions');
  });
});

describe('checkTrialParams', () => {
  const params: TrialParams = {
    learning_rate: 0.05,
    feature_fraction: 0.9,
    num_leaves: 31,
    max_bin: 4,
    boosting: 'gbdt',
  };

  it('accepts values inside every dimension, bounds included', () => {
    expect(() => checkTrialParams(SPACE, params, 'defaults')).not.toThrow();
    const atBounds = { ...params, learning_rate: 1e-4, num_leaves: 256 };
    expect(() => checkTrialParams(SPACE, atBounds, 'defaults')).not.toThrow();
  });

  it('names the parameter set and the offending dimension', () => {
    const check = (p: TrialParams) => () => checkTrialParams(SPACE, p, 'defaults');
    expectUsageError(check({ ...params, learning_rate: 2 }), 'defaults: learning_rate=2 is outside its dimension');
    expectUsageError(check({ ...params, num_leaves: 31.5 }), 'defaults: num_leaves=31.5 is outside its dimension');
    expectUsageError(check({ ...params, max_bin: '4' }), 'defaults: max_bin="4" is outside its dimension');
    expectUsageError(check({ ...params, boosting: 'rf' }), 'defaults: boosting="rf" is outside its dimension');
    const { boosting: _, ...withoutBoosting } = params;
    expectUsageError(check(withoutBoosting), 'defaults: no value for boosting');
    expectUsageError(check({ ...params, num_leafs: 31 }), 'defaults: num_leafs is not a dimension of the search space');
  });
});

describe('sampleUniform', () => {
  const N = 10_000;
  const draws = (() => {
    const rng = seededRandom(20240611);
    return Array.from({ length: N }, () => sampleUniform(SPACE, rng));
  })();
  const share = (pred: (p: TrialParams) => boolean) => draws.filter(pred).length / N;
  // Binomial standard deviation at N = 10,000 is at most 0.005, so 0.025 is five of them: the checks hold for any
  // seed, not only this one.
  const TOL = 0.025;

  it('assigns every dimension, inside its bounds, ints integral, choices from the list', () => {
    const inside = (p: TrialParams) =>
      Object.keys(p).join() === Object.keys(SPACE).join() &&
      (p.learning_rate as number) >= 1e-4 &&
      (p.learning_rate as number) <= 1 &&
      (p.feature_fraction as number) >= 0.5 &&
      (p.feature_fraction as number) <= 1 &&
      Number.isInteger(p.num_leaves) &&
      (p.num_leaves as number) >= 2 &&
      (p.num_leaves as number) <= 256 &&
      [0, 1, 2, 3, 4].includes(p.max_bin as number) &&
      ['gbdt', 'goss', 'dart'].includes(p.boosting as string);
    expect(draws.filter((p) => !inside(p))).toEqual([]);
  });

  it('draws a log dimension log-uniformly: each decade gets a quarter of [1e-4, 1]', () => {
    for (let d = 0; d < 4; d++) {
      const lo = 10 ** (d - 4);
      const hi = 10 ** (d - 3);
      const s = share((p) => (p.learning_rate as number) >= lo && (p.learning_rate as number) < hi);
      // A linear draw would put 90% into the top decade and 0.01% into the bottom one.
      expect(Math.abs(s - 0.25)).toBeLessThan(TOL);
    }
  });

  it('draws a log int dimension with P(k) proportional to log((k + 1/2) / (k - 1/2))', () => {
    // k <= 10 of [2, 256]: the share of log(1.5)..log(10.5) in log(1.5)..log(256.5).
    const expected = Math.log(10.5 / 1.5) / Math.log(256.5 / 1.5);
    expect(Math.abs(share((p) => (p.num_leaves as number) <= 10) - expected)).toBeLessThan(TOL);
    expect(Math.abs(share((p) => p.num_leaves === 2) - Math.log(2.5 / 1.5) / Math.log(256.5 / 1.5))).toBeLessThan(TOL);
  });

  it('gives every int value and every choice an equal share, the bounds included', () => {
    for (let k = 0; k <= 4; k++) expect(Math.abs(share((p) => p.max_bin === k) - 0.2)).toBeLessThan(TOL);
    for (const b of ['gbdt', 'goss', 'dart']) {
      expect(Math.abs(share((p) => p.boosting === b) - 1 / 3)).toBeLessThan(TOL);
    }
  });

  it('draws a linear dimension uniformly', () => {
    for (const [lo, hi] of [[0.5, 0.625], [0.625, 0.75], [0.75, 0.875], [0.875, 1]]) {
      const s = share((p) => (p.feature_fraction as number) >= lo && (p.feature_fraction as number) < hi);
      expect(Math.abs(s - 0.25)).toBeLessThan(TOL);
    }
  });

  it('repeats for a seed and differs between seeds', () => {
    const run = (seed: number) => {
      const rng = seededRandom(seed);
      return Array.from({ length: 5 }, () => sampleUniform(SPACE, rng));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('validates the space first', () => {
    expectUsageError(
      () => sampleUniform({ x: { kind: 'float', low: 1, high: 0 } }, seededRandom(1)),
      'search space dimension x: low (1) must be below high (0)',
    );
  });
});
