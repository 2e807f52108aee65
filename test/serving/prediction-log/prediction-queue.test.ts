/** The bounded prediction queue: order kept across the ring's wrap, the oldest dropped and counted when full. */
import { describe, expect, it } from 'vitest';
import { PredictionQueue } from '../../../serving/prediction-log/prediction-queue.js';

const stamp = { modelName: 'm', modelVersion: 'v1', runId: 'r1', origin: '2017-08-16' };

describe('PredictionQueue', () => {
  it('gives entries back oldest first, in batches, across the wrap of its buffer', () => {
    const q = new PredictionQueue(5);
    const slot = q.stampSlot(stamp);
    for (let i = 0; i < 4; i++) expect(q.push(1000 + i, i, 10 + i, i % 16, i / 2, i === 2, slot)).toBe(true);
    const first = q.take(3);
    expect(Array.from(first.storeNbr)).toEqual([0, 1, 2]);
    expect(Array.from(first.coldStart)).toEqual([0, 0, 1]);
    for (let i = 4; i < 8; i++) q.push(1000 + i, i, 10 + i, i, i / 2, false, slot);
    expect(q.size).toBe(5);
    const rest = q.take();
    expect(rest.rows).toBe(5);
    expect(Array.from(rest.storeNbr)).toEqual([3, 4, 5, 6, 7]);
    expect(Array.from(rest.servedAt)).toEqual([1003, 1004, 1005, 1006, 1007]);
    expect(Array.from(rest.unitSales)).toEqual([1.5, 2, 2.5, 3, 3.5]);
    expect(rest.stamps).toEqual([stamp]);
    expect(q.size).toBe(0);
    expect(q.take().rows).toBe(0);
  });

  it('drops the oldest entry when full and counts it', () => {
    const q = new PredictionQueue(3);
    const slot = q.stampSlot(stamp);
    const kept = [1, 2, 3, 4, 5].map((i) => q.push(i, i, i, 0, i, false, slot));
    expect(kept).toEqual([true, true, true, false, false]);
    expect(q.dropped).toBe(2);
    expect(Array.from(q.take().storeNbr)).toEqual([3, 4, 5]);
  });

  it('gives each model version and origin one slot', () => {
    const q = new PredictionQueue(2);
    expect(q.stampSlot(stamp)).toBe(0);
    expect(q.stampSlot({ ...stamp, origin: '2017-08-17' })).toBe(1);
    expect(q.stampSlot({ ...stamp })).toBe(0);
    expect(() => new PredictionQueue(0)).toThrow(RangeError);
  });
});
