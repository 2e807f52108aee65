import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import {
  runSearch,
  sampleUniform,
  suggestTpe,
  type SearchOptions,
  type SearchSpace,
  type TrialParams,
  type TrialRecord,
} from '../../../training/tuning/index.js';
import { seededRandom } from '../../support/seeded-random.js';

/**
 * A shifted quadratic over a linear float, a log float and an int, plus a categorical offset: its minimum, 0.16,
 * is at x = 2.6, rate = 10^-2.2, depth = 1, kind = b.
 */
const SPACE: SearchSpace = {
  x: { kind: 'float', low: -10, high: 10 },
  rate: { kind: 'float', low: 1e-5, high: 1, log: true },
  depth: { kind: 'int', low: -10, high: 10 },
  kind: { kind: 'choice', values: ['a', 'b', 'c', 'd'] },
};
const OFFSET: Record<string, number> = { a: 5, b: 0, c: 10, d: 5 };
function quadratic(p: TrialParams): number {
  return (
    ((p.x as number) - 2.6) ** 2 +
    16 * (Math.log10(p.rate as number) + 2.2) ** 2 +
    ((p.depth as number) - 1.4) ** 2 +
    OFFSET[p.kind as string]
  );
}
const objective = async (p: TrialParams) => quadratic(p);

const DEFAULTS: TrialParams = { x: 0, rate: 0.1, depth: 0, kind: 'a' };

/** Records without the timing, which is the one part that differs between runs. */
const untimed = (records: readonly TrialRecord[]) => records.map(({ seconds: _, ...r }) => r);

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

async function usageMessage(options: SearchOptions): Promise<string> {
  const err = await runSearch(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return (err as Error).message;
}

describe('runSearch', () => {
  it('repeats for a seed and differs between seeds', async () => {
    const a = await runSearch({ space: SPACE, trials: 12, seed: 42, objective });
    const b = await runSearch({ space: SPACE, trials: 12, seed: 42, objective });
    const c = await runSearch({ space: SPACE, trials: 12, seed: 43, objective });
    expect(untimed(a.trials)).toEqual(untimed(b.trials));
    expect(untimed(c.trials)).not.toEqual(untimed(a.trials));
  });

  it('is the initial sets, then uniform draws, then TPE on every earlier result, from one seeded stream', async () => {
    const initial = [DEFAULTS, { ...DEFAULTS, kind: 'c' }];
    const { trials } = await runSearch({ space: SPACE, trials: 10, seed: 5, startupTrials: 4, initial, objective });
    // An independent replay with the public building blocks.
    const rng = seededRandom(5);
    const expected: Omit<TrialRecord, 'seconds'>[] = [];
    for (let t = 1; t <= 10; t++) {
      const sampler = t <= 2 ? 'initial' : t <= 4 ? 'random' : 'tpe';
      const params =
        sampler === 'initial'
          ? initial[t - 1]
          : sampler === 'random'
            ? sampleUniform(SPACE, rng)
            : suggestTpe(SPACE, expected, rng);
      expected.push({ trial: t, params, score: quadratic(params), sampler });
    }
    expect(untimed(trials)).toEqual(expected);
  });

  it('evaluates the initial sets first, in order, with 1-based trial numbers', async () => {
    const calls: [TrialParams, number][] = [];
    const initial = [DEFAULTS, { ...DEFAULTS, x: 3 }, { ...DEFAULTS, kind: 'b' }];
    await runSearch({
      space: SPACE,
      trials: 6,
      seed: 1,
      initial,
      objective: async (p, trial) => {
        calls.push([p, trial]);
        return quadratic(p);
      },
    });
    expect(calls.slice(0, 3)).toEqual(initial.map((p, i) => [p, i + 1]));
    expect(calls.map(([, t]) => t)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('counts the initial sets among the startup trials, and caps those at the trial count', async () => {
    const samplers = async (options: Partial<SearchOptions>) =>
      (await runSearch({ space: SPACE, trials: 7, seed: 2, objective, ...options })).trials.map((r) => r.sampler);
    expect(await samplers({})).toEqual(['random', 'random', 'random', 'random', 'random', 'tpe', 'tpe']);
    expect(await samplers({ initial: [DEFAULTS] })).toEqual([
      'initial', 'random', 'random', 'random', 'random', 'tpe', 'tpe',
    ]);
    expect(await samplers({ initial: [DEFAULTS, DEFAULTS, DEFAULTS], startupTrials: 2 })).toEqual([
      'initial', 'initial', 'initial', 'tpe', 'tpe', 'tpe', 'tpe',
    ]);
    expect(await samplers({ startupTrials: 50 })).toEqual(new Array(7).fill('random'));
    expect(await samplers({ startupTrials: 0 })).toEqual(new Array(7).fill('tpe'));
  });

  it('runs one trial at a time and awaits onTrial, which sees the records in order', async () => {
    const seen: TrialRecord[] = [];
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const result = await runSearch({
      space: SPACE,
      trials: 8,
      seed: 9,
      objective: async (p, trial) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        log.push(`objective ${trial}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        return quadratic(p);
      },
      onTrial: async (record) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        log.push(`recorded ${record.trial}`);
        seen.push(record);
      },
    });
    expect(maxRunning).toBe(1);
    expect(log).toEqual(Array.from({ length: 8 }, (_, i) => [`objective ${i + 1}`, `recorded ${i + 1}`]).flat());
    expect(seen).toEqual(result.trials);
    expect(result.trials.map((r) => r.trial)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('times each objective call', async () => {
    const { trials } = await runSearch({
      space: SPACE,
      trials: 2,
      seed: 1,
      objective: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return 1;
      },
    });
    for (const r of trials) {
      expect(r.seconds).toBeGreaterThanOrEqual(0.025);
      expect(r.seconds).toBeLessThan(5);
    }
  });

  it('keeps its record when the objective changes the parameters it was given', async () => {
    const { trials } = await runSearch({
      space: SPACE,
      trials: 2,
      seed: 1,
      initial: [DEFAULTS],
      objective: async (p) => {
        p.x = 99;
        return 0;
      },
    });
    expect(trials[0].params).toEqual(DEFAULTS);
  });

  it('records a NaN score, ranks it worst, and picks the best finite trial', async () => {
    const result = await runSearch({
      space: SPACE,
      trials: 8,
      seed: 3,
      objective: async (p, trial) => (trial % 3 === 1 ? Number.NaN : quadratic(p)),
    });
    const scores = result.trials.map((r) => r.score);
    expect(scores.filter(Number.isNaN)).toHaveLength(3);
    const best = Math.min(...scores.filter(Number.isFinite));
    expect(result.best).toBe(result.trials.find((r) => r.score === best));
  });

  it('returns the first trial as best when every trial failed', async () => {
    const result = await runSearch({ space: SPACE, trials: 7, seed: 3, objective: async () => Number.NaN });
    expect(result.best).toBe(result.trials[0]);
    expect(result.trials.map((r) => r.sampler).slice(-2)).toEqual(['tpe', 'tpe']);
  });

  it('lets an objective error through unchanged and stops there', async () => {
    const boom = new Error('backtest failed');
    const recorded: number[] = [];
    let calls = 0;
    const run = runSearch({
      space: SPACE,
      trials: 10,
      seed: 1,
      objective: async (p, trial) => {
        calls++;
        if (trial === 3) throw boom;
        return quadratic(p);
      },
      onTrial: (r) => {
        recorded.push(r.trial);
      },
    });
    await expect(run).rejects.toBe(boom);
    expect(calls).toBe(3);
    expect(recorded).toEqual([1, 2]);
  });

  it('rejects bad arguments before running anything, saying what to fix', async () => {
    const base: SearchOptions = { space: SPACE, trials: 5, seed: 1, objective };
    expect(await usageMessage({ ...base, trials: 0 })).toBe('trials must be a positive integer, got 0');
    expect(await usageMessage({ ...base, trials: 2.5 })).toBe('trials must be a positive integer, got 2.5');
    expect(await usageMessage({ ...base, seed: 0.5 })).toBe('seed must be an integer, got 0.5');
    expect(await usageMessage({ ...base, startupTrials: -1 })).toBe(
      'startupTrials must be a non-negative integer, got -1',
    );
    expect(await usageMessage({ ...base, trials: 1, initial: [DEFAULTS, DEFAULTS] })).toBe(
      '2 initial parameter sets do not fit in 1 trials',
    );
    expect(await usageMessage({ ...base, initial: [DEFAULTS, { ...DEFAULTS, depth: 11 }] })).toBe(
      'initial parameters 2: depth=11 is outside its dimension',
    );
    expect(await usageMessage({ ...base, space: { ...SPACE, x: { kind: 'float', low: 1, high: 1 } } })).toBe(
      'search space dimension x: low (1) must be below high (1)',
    );
  });

  it('beats random search: lower median best score after 30 trials over 30 seeds', async () => {
    // Over 4,000 seeds the medians were 9.4 (TPE) and 17.6 (random); resampling 30 seeds at a time, TPE's median
    // came out no better than random's in 2 of 10,000 draws (with 10 seeds, in 150), so the check is about the
    // method, not about these seeds.
    const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
    const bestAfter30 = (startupTrials: number) =>
      Promise.all(
        seeds.map(async (seed) => {
          const { best } = await runSearch({ space: SPACE, trials: 30, seed, startupTrials, objective });
          return best.score;
        }),
      );
    const tpe = await bestAfter30(5);
    const random = await bestAfter30(30);
    expect(median(tpe)).toBeLessThan(median(random));
  });
});
