import { describe, expect, it } from 'vitest';
import { sampleIndices } from '../../core/sample-indices.js';

describe('sampleIndices', () => {
  it('draws distinct indices in ascending order, the same ones for the same seed', () => {
    const a = sampleIndices(1000, 50, 7);
    expect(a).toHaveLength(50);
    expect(new Set(a).size).toBe(50);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(a[0]).toBeGreaterThanOrEqual(0);
    expect(a.at(-1)).toBeLessThan(1000);
    expect(sampleIndices(1000, 50, 7)).toEqual(a);
    expect(sampleIndices(1000, 50, 8)).not.toEqual(a);
  });

  it('takes every index when asked for as many or more', () => {
    expect(Array.from(sampleIndices(5, 5, 1))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(sampleIndices(3, 10_000, 1))).toEqual([0, 1, 2]);
    expect(sampleIndices(0, 10, 1)).toHaveLength(0);
  });

  it('picks every index equally often over many seeds', () => {
    // 4000 draws of 5 out of 20: each index is in a draw with probability 1/4, so its count is 1000 ± 27 (1 sd).
    const counts = new Array<number>(20).fill(0);
    for (let seed = 0; seed < 4000; seed++) for (const i of sampleIndices(20, 5, seed)) counts[i]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(4 * 27.4);
    // Every pair as often too (no two indices travel together): pair probability (5·4)/(20·19) = 1/19.
    let together = 0;
    for (let seed = 0; seed < 4000; seed++) {
      const s = sampleIndices(20, 5, seed);
      if (s.includes(0) && s.includes(19)) together++;
    }
    expect(Math.abs(together - 4000 / 19)).toBeLessThan(4 * Math.sqrt((4000 * (1 / 19) * 18) / 19));
  });

  it('refuses a negative or fractional size', () => {
    expect(() => sampleIndices(-1, 1, 0)).toThrow(/total must be a non-negative integer, got -1/);
    expect(() => sampleIndices(10, 1.5, 0)).toThrow(/count must be a non-negative integer, got 1.5/);
  });
});
