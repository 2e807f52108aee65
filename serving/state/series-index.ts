import { DataError } from '../../core/errors.js';
import { indexOf } from './sorted-int-set.js';

/**
 * The row of each (store_nbr, item_nbr) series in a feature table whose rows are in ascending (store, item)
 * order: the store's row range, then a binary search over its items. Lookups allocate nothing.
 */
export class SeriesIndex {
  readonly rows: number;
  readonly #stores: Int32Array;
  /** Rows of store #stores[k] are [#storeStart[k], #storeStart[k + 1]). */
  readonly #storeStart: Int32Array;
  readonly #itemNbr: Int32Array;

  private constructor(stores: Int32Array, storeStart: Int32Array, itemNbr: Int32Array) {
    this.rows = itemNbr.length;
    this.#stores = stores;
    this.#storeStart = storeStart;
    this.#itemNbr = itemNbr;
  }

  /** Indexes row keys; a DataError when they are not strictly ascending by (store, item). */
  static build(storeNbr: Int32Array, itemNbr: Int32Array): SeriesIndex {
    if (storeNbr.length !== itemNbr.length) throw new DataError(`${storeNbr.length} store keys but ${itemNbr.length} item keys`);
    const stores: number[] = [];
    const starts: number[] = [];
    for (let r = 0; r < storeNbr.length; r++) {
      const s = storeNbr[r];
      if (r === 0 || s !== storeNbr[r - 1]) {
        if (r > 0 && s < storeNbr[r - 1]) throw new DataError(`series keys are not sorted: store ${s} after store ${storeNbr[r - 1]} (row ${r})`);
        stores.push(s);
        starts.push(r);
      } else if (itemNbr[r] <= itemNbr[r - 1]) {
        throw new DataError(`series keys are not sorted or repeat: store ${s}, item ${itemNbr[r]} after item ${itemNbr[r - 1]} (row ${r})`);
      }
    }
    starts.push(storeNbr.length);
    return new SeriesIndex(Int32Array.from(stores), Int32Array.from(starts), itemNbr.slice());
  }

  /** The (store, item) key of a row (0 ≤ row < rows). */
  keyAt(row: number): { readonly store: number; readonly item: number } {
    let lo = 0;
    let hi = this.#stores.length - 1;
    // The last store whose first row is at or before `row`.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#storeStart[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return { store: this.#stores[lo], item: this.#itemNbr[row] };
  }

  /** The row of a series, or −1 when the table has none (a pair without sales in the year before the origin). */
  row(store: number, item: number): number {
    const k = indexOf(this.#stores, store, 0, this.#stores.length);
    if (k < 0) return -1;
    return indexOf(this.#itemNbr, item, this.#storeStart[k], this.#storeStart[k + 1]);
  }
}
