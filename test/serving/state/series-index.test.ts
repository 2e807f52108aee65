/** The series index and the sorted key set against a Map over the same keys, on seeded random keys. */
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.js';
import { SeriesIndex } from '../../../serving/state/series-index.js';
import { SortedIntSet } from '../../../serving/state/sorted-int-set.js';
import { seededRandom } from '../../support/seeded-random.js';

function sortedPairs(seed: number, stores: number, itemsPerStore: number): { storeNbr: Int32Array; itemNbr: Int32Array } {
  const random = seededRandom(seed);
  const pairs: [number, number][] = [];
  for (let s = 1; s <= stores; s++) {
    const items = new Set<number>();
    while (items.size < itemsPerStore) items.add(100_000 + Math.floor(random() * 2_000_000));
    for (const i of [...items].sort((a, b) => a - b)) pairs.push([s * 3, i]);
  }
  return { storeNbr: Int32Array.from(pairs, (p) => p[0]), itemNbr: Int32Array.from(pairs, (p) => p[1]) };
}

describe('SeriesIndex', () => {
  it('finds the row of every pair and −1 for pairs it does not hold', () => {
    const { storeNbr, itemNbr } = sortedPairs(7, 20, 150);
    const index = SeriesIndex.build(storeNbr, itemNbr);
    const rows = new Map(Array.from(storeNbr, (s, r) => [`${s}:${itemNbr[r]}`, r]));
    for (let r = 0; r < storeNbr.length; r++) {
      expect(index.row(storeNbr[r], itemNbr[r])).toBe(r);
      expect(index.keyAt(r)).toEqual({ store: storeNbr[r], item: itemNbr[r] });
    }
    const random = seededRandom(8);
    for (let k = 0; k < 2_000; k++) {
      const s = Math.floor(random() * 70);
      const i = 100_000 + Math.floor(random() * 2_000_000);
      expect(index.row(s, i)).toBe(rows.get(`${s}:${i}`) ?? -1);
    }
    expect(index.row(3, itemNbr[0] - 1)).toBe(-1);
    expect(SeriesIndex.build(new Int32Array(0), new Int32Array(0)).row(1, 1)).toBe(-1);
  });

  it('refuses keys out of (store, item) order or repeated, naming the row', () => {
    expect(() => SeriesIndex.build(Int32Array.of(1, 2, 1), Int32Array.of(5, 5, 6))).toThrow(new DataError('series keys are not sorted: store 1 after store 2 (row 2)'));
    expect(() => SeriesIndex.build(Int32Array.of(1, 1), Int32Array.of(5, 5))).toThrow(/store 1, item 5 after item 5 \(row 1\)/);
    expect(() => SeriesIndex.build(Int32Array.of(1), Int32Array.of(5, 6))).toThrow(DataError);
  });
});

describe('SortedIntSet', () => {
  it('holds the distinct values of its sources, whatever their order', () => {
    const set = SortedIntSet.of([5, 3, 9, 3], Int32Array.of(9, 1));
    expect(set.size).toBe(4);
    expect(set.range).toEqual({ min: 1, max: 9 });
    expect([0, 1, 2, 3, 4, 5, 9, 10].map((v) => set.has(v))).toEqual([false, true, false, true, false, true, true, false]);
    expect(SortedIntSet.of([]).range).toBeUndefined();
  });
});
