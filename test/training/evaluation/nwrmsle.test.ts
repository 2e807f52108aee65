import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../core/errors.js';
import { nwrmsle } from '../../../training/evaluation/index.js';

const log1p = Math.log1p;

describe('NWRMSLE', () => {
  it('matches a hand computation with perishable weights, per horizon and overall', () => {
    // Two pairs × two days. Sales: pair A (perishable, w 1.25) sold 3 then 0; pair B (w 1) sold 1 then 7.
    // Forecasts: A 1 then 1, B 1 then 3.
    const actual = [log1p(3), log1p(0), log1p(1), log1p(7)];
    const predicted = [log1p(1), log1p(1), log1p(1), log1p(3)];
    const weight = [1.25, 1];
    const scores = nwrmsle({ rows: 2, horizons: 2, predicted, actual, weight });
    // Day 0: 1.25·(ln2 − ln4)² + 1·0 = 1.25·(ln 2)²; divided by Σw = 2.25.
    const day0 = Math.sqrt((1.25 * Math.LN2 ** 2) / 2.25);
    // Day 1: 1.25·(ln2 − ln1)² + 1·(ln4 − ln8)² = 1.25·(ln 2)² + (ln 2)².
    const day1 = Math.sqrt((2.25 * Math.LN2 ** 2) / 2.25);
    expect(scores.perHorizon[0]).toBeCloseTo(day0, 12);
    expect(scores.perHorizon[1]).toBeCloseTo(day1, 12);
    // Overall: every cell once, each pair's weight on each of its days: Σw over cells = 4.5.
    expect(scores.overall).toBeCloseTo(Math.sqrt((3.5 * Math.LN2 ** 2) / 4.5), 12);
    expect(day0).toBeCloseTo(0.5166, 4); // ln 2 · √(1.25 / 2.25)
    expect(day1).toBeCloseTo(0.6931, 4);
  });

  it('clips negative log forecasts and returns (negative sales) at 0', () => {
    const scores = nwrmsle({ rows: 1, horizons: 1, predicted: [-0.5], actual: [0], weight: [1] });
    expect(scores.overall).toBe(0);
    const returned = nwrmsle({ rows: 1, horizons: 1, predicted: [log1p(2)], actual: [-1], weight: [1] });
    expect(returned.overall).toBeCloseTo(Math.log(3), 12);
  });

  it('is 0 for a perfect forecast and symmetric in log space', () => {
    const actual = [0.5, 1.5, 2, 0];
    expect(nwrmsle({ rows: 2, horizons: 2, predicted: actual, actual, weight: [1, 1.25] }).overall).toBe(0);
    const over = nwrmsle({ rows: 1, horizons: 1, predicted: [1.3], actual: [1], weight: [1] }).overall;
    const under = nwrmsle({ rows: 1, horizons: 1, predicted: [0.7], actual: [1], weight: [1] }).overall;
    expect(over).toBeCloseTo(under, 12);
  });

  it('refuses inputs of the wrong shape, NaN and zero total weight with a message', () => {
    expect(() => nwrmsle({ rows: 2, horizons: 2, predicted: [1, 2, 3], actual: [1, 2, 3, 4], weight: [1, 1] })).toThrow(/expected 4 predictions/);
    expect(() => nwrmsle({ rows: 1, horizons: 1, predicted: [NaN], actual: [1], weight: [1] })).toThrow(TrainingError);
    expect(() => nwrmsle({ rows: 1, horizons: 1, predicted: [1], actual: [1], weight: [0] })).toThrow(/weights sum to 0/);
    expect(() => nwrmsle({ rows: 1, horizons: 1, predicted: [1], actual: [1], weight: [-1] })).toThrow(/weight of row 0/);
  });
});
