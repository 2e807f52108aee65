import { seededRandom } from './seeded-random.js';

/**
 * `count` distinct indices of 0 … total−1 drawn uniformly without replacement from seededRandom(seed), in
 * ascending order; all of them when count ≥ total. A partial Fisher–Yates shuffle: every subset is equally likely,
 * and a seed reproduces the same subset on every run and platform.
 */
export function sampleIndices(total: number, count: number, seed: number): Int32Array {
  for (const [name, value] of [['total', total], ['count', count]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  const pool = Int32Array.from({ length: total }, (_, i) => i);
  if (count >= total) return pool;
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    const picked = pool[j];
    pool[j] = pool[i];
    pool[i] = picked;
  }
  return pool.slice(0, count).sort();
}
