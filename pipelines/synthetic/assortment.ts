import { FAMILY_PROFILES } from './family-profiles.js';
import { hash32, STREAM, UNIT_SCALE } from './hash-rng.js';
import type { SyntheticItem } from './item-catalog.js';
import { normalFromUniform } from './normal-quantile.js';
import type { SyntheticStore } from './store-catalog.js';

/** Which items each store carries, and each carried pair's base purchase rate per day. */
export interface Assortment {
  /** Per store (index into stores): indices of carried items, ascending (so item_nbr ascending). */
  readonly carried: readonly Int32Array[];
  /** Per store: base purchase rate of each carried item, aligned with `carried`. */
  readonly baseRate: readonly Float64Array[];
  /** 1 where store s carries item i, at s × itemCount + i. */
  readonly mask: Uint8Array;
}

/**
 * Mean purchase events per day of a typical carried staple (popularity 1, volume 1) before calendar effects.
 * Calibrated on the Kaggle `train` file of 2017: about half of the test grid's store×item cells sell on a day
 * (23,808,261 rows in 227 days over 54 stores × 3,901 items), and a sold row holds a median of 4 units.
 */
export const BASE_PURCHASE_RATE = 2.4;
/** Log-sd of a store's local taste for an item, on top of the item's overall popularity. */
const LOCAL_TASTE_SIGMA = 0.45;

/** Draws the assortment: format and cluster set the carry probability, general merchandise is carried less. */
export function buildAssortment(seed: number, stores: readonly SyntheticStore[], items: readonly SyntheticItem[]): Assortment {
  const mask = new Uint8Array(stores.length * items.length);
  const carried: Int32Array[] = [];
  const baseRate: Float64Array[] = [];
  stores.forEach((store, s) => {
    const picked: number[] = [];
    const rates: number[] = [];
    items.forEach((item, i) => {
      const family = FAMILY_PROFILES[item.familyIndex];
      const p = family.general ? store.generalCarryRate : store.carryRate;
      if (hash32(seed, STREAM.carry, store.storeNbr, item.itemNbr) * UNIT_SCALE >= p) return;
      const taste = Math.exp(
        LOCAL_TASTE_SIGMA * normalFromUniform(hash32(seed, STREAM.storeItemTaste, store.storeNbr, item.itemNbr) * UNIT_SCALE) -
          (LOCAL_TASTE_SIGMA * LOCAL_TASTE_SIGMA) / 2,
      );
      mask[s * items.length + i] = 1;
      picked.push(i);
      rates.push(BASE_PURCHASE_RATE * item.popularity * family.volume * store.volume * taste);
    });
    carried.push(Int32Array.from(picked));
    baseRate.push(Float64Array.from(rates));
  });
  return { carried, baseRate, mask };
}
