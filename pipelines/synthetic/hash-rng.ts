/**
 * Counter-based randomness: every draw is a pure hash of (seed, stream, coordinates), so a cell's value never
 * depends on the order in which cells are visited. Daily drops generated months later, the test grid and the
 * training history therefore all come from one and the same process.
 */

/** Stream tags keep the draws of different model parts independent even when their coordinates coincide. */
export const STREAM = {
  cell: 0x01,
  itemNumber: 0x02,
  itemFamily: 0x03,
  itemPopularity: 0x04,
  itemLifecycle: 0x05,
  itemClass: 0x06,
  carry: 0x07,
  storeItemTaste: 0x08,
  cluster: 0x09,
  promoPhase: 0x0a,
  promoSlot: 0x0b,
  promoStore: 0x0c,
  oil: 0x0d,
  transactions: 0x0e,
} as const;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function absorb(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser: a bijective 32-bit avalanche, returned unsigned. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Unsigned 32-bit hash of a seed, a stream tag and up to three integer coordinates (MurmurHash3 body). */
export function hash32(seed: number, stream: number, a: number, b = 0, c = 0): number {
  let h = seed | 0;
  h = absorb(h, stream);
  h = absorb(h, a);
  h = absorb(h, b);
  h = absorb(h, c);
  return mix32(h ^ 20);
}

/**
 * Extends a key hash by one more coordinate: `extendHash(hash32(seed, stream, a, b), c)` is as well mixed as a
 * four-coordinate hash but costs one round, so hot loops hash the fixed coordinates once and the day per cell.
 */
export function extendHash(key: number, c: number): number {
  return mix32(absorb(key, c) ^ 24);
}

/** 2^-32: turns an unsigned 32-bit hash into a uniform number in [0, 1). */
export const UNIT_SCALE = 1 / 4294967296;
