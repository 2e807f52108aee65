/** A set of integers in a sorted Int32Array: membership by binary search, no allocation per lookup. */
export class SortedIntSet {
  readonly #values: Int32Array;

  private constructor(values: Int32Array) {
    this.#values = values;
  }

  /** The distinct values of `values`, in any order. */
  static of(...sources: ArrayLike<number>[]): SortedIntSet {
    const all = new Int32Array(sources.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of sources) for (let i = 0; i < s.length; i++) all[at++] = s[i];
    all.sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
    return new SortedIntSet(all.slice(0, n));
  }

  get size(): number {
    return this.#values.length;
  }

  /** Smallest and largest value; undefined when empty. */
  get range(): { readonly min: number; readonly max: number } | undefined {
    return this.#values.length ? { min: this.#values[0], max: this.#values[this.#values.length - 1] } : undefined;
  }

  has(value: number): boolean {
    return indexOf(this.#values, value, 0, this.#values.length) >= 0;
  }
}

/** Index of `value` in the ascending `values[from, to)`, or −1. */
export function indexOf(values: Int32Array, value: number, from: number, to: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid];
    if (v < value) lo = mid + 1;
    else if (v > value) hi = mid - 1;
    else return mid;
  }
  return -1;
}
