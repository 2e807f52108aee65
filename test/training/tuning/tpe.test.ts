import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import {
  defaultGamma,
  sampleUniform,
  suggestTpe,
  type ScoredParams,
  type SearchSpace,
  type TrialParams,
} from '../../../training/tuning/index.js';
import { recencyWeights } from '../../../training/tuning/tpe.js';
import { seededRandom } from '../../support/seeded-random.js';

const SPACE: SearchSpace = {
  x: { kind: 'float', low: 0, high: 1 },
  rate: { kind: 'float', low: 1e-5, high: 1, log: true },
  leaves: { kind: 'int', low: 2, high: 256, log: true },
  depth: { kind: 'int', low: -10, high: 10 },
  kind: { kind: 'choice', values: ['a', 'b', 'c', 'd'] },
};

/** Distance of a parameter from a target, per dimension, on the axis the search sees (log axes for log ones). */
const DISTANCE: Record<string, (p: TrialParams) => number> = {
  x: (p) => Math.abs((p.x as number) - 0.8),
  rate: (p) => Math.abs(Math.log10(p.rate as number) + 3),
  leaves: (p) => Math.abs(Math.log2(p.leaves as number) - Math.log2(40)),
  depth: (p) => Math.abs((p.depth as number) - 3),
  kind: (p) => (p.kind === 'b' ? 0 : 1),
};

function randomHistory(space: SearchSpace, n: number, seed: number, score: (p: TrialParams) => number): ScoredParams[] {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const params = sampleUniform(space, rng);
    return { params, score: score(params) };
  });
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('defaultGamma and recencyWeights (Optuna defaults)', () => {
  it('takes the best 10%, rounded up, at most 25', () => {
    expect([1, 10, 11, 40, 250, 251, 1000].map(defaultGamma)).toEqual([1, 1, 2, 4, 25, 25, 25]);
  });

  it('weighs up to 25 observations equally, then ramps the older ones from 1/n up', () => {
    expect(recencyWeights(0)).toEqual([]);
    expect(recencyWeights(25)).toEqual(new Array(25).fill(1));
    expect(recencyWeights(26)).toEqual([1 / 26, ...new Array(25).fill(1)]);
    const w = recencyWeights(28);
    expect(w.slice(0, 3)).toEqual([1 / 28, (1 / 28 + 1) / 2, 1]);
    expect(w.slice(3)).toEqual(new Array(25).fill(1));
  });
});

describe('suggestTpe', () => {
  const history = randomHistory(SPACE, 30, 11, (p) => Object.values(DISTANCE).reduce((s, d) => s + d(p), 0));

  it('suggests a value of every dimension: inside the bounds, ints integral, choices from the list', () => {
    const bad: TrialParams[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const p = suggestTpe(SPACE, history, seededRandom(seed));
      const ok =
        Object.keys(p).join() === Object.keys(SPACE).join() &&
        (p.x as number) >= 0 &&
        (p.x as number) <= 1 &&
        (p.rate as number) >= 1e-5 &&
        (p.rate as number) <= 1 &&
        Number.isInteger(p.leaves) &&
        (p.leaves as number) >= 2 &&
        (p.leaves as number) <= 256 &&
        Number.isInteger(p.depth) &&
        (p.depth as number) >= -10 &&
        (p.depth as number) <= 10 &&
        ['a', 'b', 'c', 'd'].includes(p.kind as string);
      if (!ok) bad.push(p);
    }
    expect(bad).toEqual([]);
  });

  it('repeats for a seed and differs between seeds', () => {
    expect(suggestTpe(SPACE, history, seededRandom(8))).toEqual(suggestTpe(SPACE, history, seededRandom(8)));
    expect(suggestTpe(SPACE, history, seededRandom(8))).not.toEqual(suggestTpe(SPACE, history, seededRandom(9)));
  });

  it('draws uniformly when there is no history', () => {
    expect(suggestTpe(SPACE, [], seededRandom(4))).toEqual(sampleUniform(SPACE, seededRandom(4)));
  });

  // One dimension at a time, so the good group (the 4 best of 40) is good in exactly that dimension. Pooling 10
  // histories keeps an unlucky history from deciding; over 100 such pools the ratio of median distances
  // (TPE / uniform) stayed at or below 0.2 for every numeric kind and the good choice's share at or above 0.9.
  for (const name of Object.keys(SPACE)) {
    it(`concentrates on the region of the good trials (${name})`, () => {
      const space: SearchSpace = { [name]: SPACE[name] };
      const distance = DISTANCE[name];
      const suggested: number[] = [];
      for (let h = 1; h <= 10; h++) {
        const hist = randomHistory(space, 40, 100 + h, distance);
        for (let i = 0; i < 20; i++) suggested.push(distance(suggestTpe(space, hist, seededRandom(1000 * h + i))));
      }
      const uniformRng = seededRandom(7);
      const uniform = Array.from({ length: suggested.length }, () => distance(sampleUniform(space, uniformRng)));
      if (name === 'kind') {
        expect(suggested.filter((d) => d === 0).length / suggested.length).toBeGreaterThan(0.75);
      } else {
        expect(median(suggested)).toBeLessThan(0.4 * median(uniform));
      }
    });
  }

  describe('failed trials', () => {
    // Ten trials failed near x = 0.1; twenty scored elsewhere, best at x = 0.6.
    const space: SearchSpace = { x: { kind: 'float', low: 0, high: 1 } };
    const rng = seededRandom(3);
    const failed = Array.from({ length: 10 }, () => ({ params: { x: 0.02 + 0.13 * rng() }, score: Number.NaN }));
    const scored = Array.from({ length: 20 }, () => {
      const x = 0.3 + 0.7 * rng();
      return { params: { x }, score: (x - 0.6) ** 2 };
    });
    const withFailures = (score: number) => [...failed.map((f) => ({ ...f, score })), ...scored];
    // A good group of ten: the ten failures if they ranked best, ten scored trials if they rank worst.
    const shareNearFailures = (hist: readonly ScoredParams[]) => {
      let near = 0;
      for (let seed = 1; seed <= 200; seed++) {
        if ((suggestTpe(space, hist, seededRandom(seed), { gamma: () => 10 }).x as number) < 0.2) near++;
      }
      return near / 200;
    };

    it('rank a NaN or infinite score below every finite one', () => {
      for (let seed = 1; seed <= 20; seed++) {
        const nan = suggestTpe(space, withFailures(Number.NaN), seededRandom(seed));
        expect(suggestTpe(space, withFailures(Infinity), seededRandom(seed))).toEqual(nan);
        expect(suggestTpe(space, withFailures(-Infinity), seededRandom(seed))).toEqual(nan);
        expect(suggestTpe(space, withFailures(1e9), seededRandom(seed))).toEqual(nan);
      }
    });

    it('steer suggestions away from where trials failed', () => {
      // Read as the best scores instead, the failures would draw the search to them: the check can tell.
      expect(shareNearFailures(withFailures(-1))).toBeGreaterThan(0.5);
      expect(shareNearFailures(withFailures(Number.NaN))).toBeLessThan(0.1);
    });
  });

  it('clamps gamma to [1, n]', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const one = suggestTpe(SPACE, history, seededRandom(seed), { gamma: () => 1 });
      expect(suggestTpe(SPACE, history, seededRandom(seed), { gamma: () => 0 })).toEqual(one);
      const all = suggestTpe(SPACE, history, seededRandom(seed), { gamma: (n) => n });
      expect(suggestTpe(SPACE, history, seededRandom(seed), { gamma: () => 1000 })).toEqual(all);
    }
  });

  it('rejects bad options and history entries outside the space, saying which', () => {
    expect(usageMessage(() => suggestTpe(SPACE, history, Math.random, { candidates: 0 }))).toBe(
      'TPE candidates must be a positive integer, got 0',
    );
    expect(usageMessage(() => suggestTpe(SPACE, history, Math.random, { priorWeight: 0 }))).toBe(
      'TPE priorWeight must be a positive number, got 0',
    );
    expect(usageMessage(() => suggestTpe(SPACE, history, Math.random, { gamma: () => Number.NaN }))).toBe(
      'TPE gamma(30) must be a finite number, got NaN',
    );
    const stale = [history[0], { params: { ...history[1].params, x: 1.5 }, score: 0 }];
    expect(usageMessage(() => suggestTpe(SPACE, stale, Math.random))).toBe(
      'history entry 2: x=1.5 is outside its dimension',
    );
  });
});
