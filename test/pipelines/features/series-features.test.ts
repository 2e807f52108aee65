import { describe, expect, it } from 'vitest';
import { medianInPlace } from '../../../pipelines/features/series-features.js';
import { seededRandom } from '../../support/seeded-random.js';

/** The median by sorting a copy: the reference the selection must match. */
function sortedMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

describe('medianInPlace', () => {
  it('matches the median of a sorted copy for odd and even lengths, ties, zeros and sorted input', () => {
    const random = seededRandom(11);
    const cases: number[][] = [[5], [2, 1], [0, 0, 0], [3, 3, 1, 3], [1, 2, 3, 4, 5, 6, 7], [7, 6, 5, 4, 3, 2, 1, 0]];
    for (const n of [3, 7, 14, 30, 60, 140]) {
      // Sales history: mostly zeros with a few repeated small counts, which is where a naive partition degrades.
      cases.push(Array.from({ length: n }, () => (random() < 0.6 ? 0 : Math.log1p(Math.floor(random() * 4)))));
      cases.push(Array.from({ length: n }, () => random() * 10));
    }
    for (const values of cases) {
      const scratch = Float64Array.from(values);
      expect(medianInPlace(scratch, values.length), values.join(',')).toBe(sortedMedian(values));
      expect([...scratch].sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('reads only the first n values', () => {
    expect(medianInPlace(Float64Array.from([9, 1, 5, 100, -100]), 3)).toBe(5);
  });
});
