import type { PredictionBatch, PredictionStamp } from '../../monitoring/prediction-store.js';

/**
 * A bounded ring buffer of served predictions in preallocated typed arrays, so that recording one costs a few
 * stores and no allocation. When full it drops the oldest entry (serving never waits for the monitoring store,
 * and recent predictions matter most to monitoring) and counts the drop.
 */
export class PredictionQueue {
  readonly capacity: number;
  #head = 0;
  #size = 0;
  #dropped = 0;
  readonly #servedAt: Float64Array;
  readonly #storeNbr: Int32Array;
  readonly #itemNbr: Int32Array;
  readonly #horizon: Int32Array;
  readonly #unitSales: Float64Array;
  readonly #coldStart: Int32Array;
  readonly #stamp: Int32Array;
  readonly #stamps: PredictionStamp[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#servedAt = new Float64Array(capacity);
    this.#storeNbr = new Int32Array(capacity);
    this.#itemNbr = new Int32Array(capacity);
    this.#horizon = new Int32Array(capacity);
    this.#unitSales = new Float64Array(capacity);
    this.#coldStart = new Int32Array(capacity);
    this.#stamp = new Int32Array(capacity);
  }

  /** Entries waiting to be written. */
  get size(): number {
    return this.#size;
  }

  /** Entries dropped since the queue was made because it was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The slot of a model version and origin; register once per loaded state, pass the slot to `push`. */
  stampSlot(stamp: PredictionStamp): number {
    const found = this.#stamps.findIndex(
      (s) => s.modelName === stamp.modelName && s.modelVersion === stamp.modelVersion && s.runId === stamp.runId && s.origin === stamp.origin,
    );
    return found >= 0 ? found : this.#stamps.push({ ...stamp }) - 1;
  }

  /** Records one prediction; returns false when it displaced the oldest entry. */
  push(servedAt: number, storeNbr: number, itemNbr: number, horizon: number, unitSales: number, coldStart: boolean, stamp: number): boolean {
    let kept = true;
    if (this.#size === this.capacity) {
      this.#head = (this.#head + 1) % this.capacity;
      this.#size--;
      this.#dropped++;
      kept = false;
    }
    const i = (this.#head + this.#size) % this.capacity;
    this.#servedAt[i] = servedAt;
    this.#storeNbr[i] = storeNbr;
    this.#itemNbr[i] = itemNbr;
    this.#horizon[i] = horizon;
    this.#unitSales[i] = unitSales;
    this.#coldStart[i] = coldStart ? 1 : 0;
    this.#stamp[i] = stamp;
    this.#size++;
    return kept;
  }

  /** Removes and returns up to `max` of the oldest entries, as a batch that owns its arrays. */
  take(max = this.#size): PredictionBatch {
    const n = Math.min(max, this.#size);
    const copy = <T extends Float64Array | Int32Array>(source: T, make: (n: number) => T): T => {
      const out = make(n);
      const first = Math.min(n, this.capacity - this.#head);
      out.set(source.subarray(this.#head, this.#head + first) as never, 0);
      if (first < n) out.set(source.subarray(0, n - first) as never, first);
      return out;
    };
    const f64 = (k: number): Float64Array => new Float64Array(k);
    const i32 = (k: number): Int32Array => new Int32Array(k);
    const batch: PredictionBatch = {
      rows: n,
      servedAt: copy(this.#servedAt, f64),
      storeNbr: copy(this.#storeNbr, i32),
      itemNbr: copy(this.#itemNbr, i32),
      horizon: copy(this.#horizon, i32),
      unitSales: copy(this.#unitSales, f64),
      coldStart: copy(this.#coldStart, i32),
      stamp: copy(this.#stamp, i32),
      stamps: [...this.#stamps],
    };
    this.#head = (this.#head + n) % this.capacity;
    this.#size -= n;
    return batch;
  }
}
