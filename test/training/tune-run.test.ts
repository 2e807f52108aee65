/** The tuning run on generated `tiny` data: every trial recorded, the defaults first, and a best.json that reproduces its score. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import type { LocalLake } from '../../core/storage/local-lake.js';
import { DEFAULT_SEARCH_SPACE, tuneRun, type TuneRunResult } from '../../training/tune-run.js';
import { tempDirs } from '../support/temp-dirs.js';
import { tinyLake } from '../support/tiny-lake.js';

const dirs = tempDirs();
let lake: LocalLake;
let cacheDir: string;
let runsDir: string;
let result: TuneRunResult;
const FIXED = { num_threads: 1, deterministic: true, force_row_wise: true };
const QUICK = { trials: 5, seed: 3, horizons: [0, 9], maxRounds: 25, earlyStoppingRounds: 5, trainingOrigins: 2, params: FIXED };

beforeAll(async () => {
  ({ lake, cacheDir, runsDir } = await tinyLake(dirs, 'tune', 4));
  result = await tuneRun({ ...QUICK, runsDir, tuneId: 'a' }, { lake, cacheDir });
});
afterAll(async () => {
  lake?.close();
  await dirs.cleanup();
});

describe('tuneRun', () => {
  it('records every trial in trials.jsonl, the 1st-place defaults first, the others inside the search space', async () => {
    const lines = (await readFile(join(result.dir, 'trials.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(QUICK.trials);
    expect(lines.map((t) => t.trial)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toMatchObject({ sampler: 'initial', params: { num_leaves: 80, min_data_in_leaf: 200, learning_rate: 0.02, feature_fraction: 0.8, bagging_fraction: 0.7, lambda_l2: 0.001 } });
    for (const t of lines) {
      expect(Number.isFinite(t.score)).toBe(true);
      for (const [name, d] of Object.entries(DEFAULT_SEARCH_SPACE)) {
        if (d.kind === 'choice') continue;
        expect(t.params[name]).toBeGreaterThanOrEqual(d.low);
        expect(t.params[name]).toBeLessThanOrEqual(d.high);
      }
    }
    // The trials differ: a search, not one point.
    expect(new Set(lines.map((t) => t.params.num_leaves)).size).toBeGreaterThan(2);
  });

  it('writes best.json with the lowest score, the fixed parameters and the reference scores', async () => {
    const best = JSON.parse(await readFile(join(result.dir, 'best.json'), 'utf8'));
    const lowest = Math.min(...result.trials.map((t) => t.score));
    expect(best.score).toBe(lowest);
    expect(result.trials[best.trial - 1].score).toBe(lowest);
    expect(best.params).toMatchObject({ ...FIXED, objective: 'regression', ...result.trials[best.trial - 1].params });
    expect(best.defaultScore).toBe(result.trials[0].score);
    expect(best.baselineScore).toBeGreaterThan(0);
    expect(best.horizons).toEqual([0, 9]);
  });

  it('gives the same score when the best parameters are tried again (a deterministic objective)', async () => {
    const best = result.trials.find((t) => t.trial === result.best.trial)!;
    const space = Object.fromEntries(Object.entries(best.params).map(([name, v]) => [name, { kind: 'choice' as const, values: [v] }]));
    const again = await tuneRun({ ...QUICK, trials: 1, space, runsDir, tuneId: 'again' }, { lake, cacheDir });
    expect(again.trials[0].score).toBeCloseTo(best.score, 12);
  });

  it('refuses zero trials and an existing search directory', async () => {
    await expect(tuneRun({ ...QUICK, trials: 0, runsDir }, { lake, cacheDir })).rejects.toThrow(UsageError);
    await expect(tuneRun({ ...QUICK, runsDir, tuneId: 'a' }, { lake, cacheDir })).rejects.toThrow(/already exists/);
  });
});
