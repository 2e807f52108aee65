import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { buildAssortment, type Assortment } from './assortment.js';
import { dayOf, partsOf } from './day-calendar.js';
import { buildHolidayEvents, type HolidayEvent } from './holiday-calendar.js';
import { buildHolidayEffects, type HolidayEffects } from './holiday-effects.js';
import { buildItems, type SyntheticItem } from './item-catalog.js';
import { promotionCutoffDay, type ScaleSpec } from './scales.js';
import { buildStores, type SyntheticStore } from './store-catalog.js';

/** Everything the generator draws before the first row: the stores, the catalogue, the calendar. */
export interface SyntheticWorld {
  readonly seed: number;
  readonly scale: ScaleSpec;
  /** First and last train day. */
  readonly startDay: number;
  readonly endDay: number;
  /** Last day after the train period that is generated (test horizon or daily drops, whichever is longer). */
  readonly lastDay: number;
  /** First train day with a recorded `onpromotion` flag. */
  readonly promotionCutoffDay: number;
  readonly stores: readonly SyntheticStore[];
  readonly items: readonly SyntheticItem[];
  readonly assortment: Assortment;
  readonly holidays: readonly HolidayEvent[];
  readonly holidayEffects: HolidayEffects;
  /** Items of the test grid (still on sale after the last train day), as ascending item indices. */
  readonly testItems: Int32Array;
}

/** Draws the world of a scale and seed; `daysAfter` is how many days after the train period will be generated. */
export function buildWorld(scale: ScaleSpec, seed: number, daysAfter: number = HORIZON_DAYS): SyntheticWorld {
  const startDay = dayOf(scale.start);
  const endDay = dayOf(scale.end);
  const lastDay = endDay + Math.max(HORIZON_DAYS, daysAfter);
  const stores = buildStores(seed, scale.storeNbrs);
  const items = buildItems(seed, scale.itemCount, startDay, endDay, HORIZON_DAYS);
  const holidays = buildHolidayEvents(partsOf(startDay).year, partsOf(lastDay).year);
  const testItems: number[] = [];
  items.forEach((item, i) => {
    if (item.stopDay > endDay + 1) testItems.push(i);
  });
  return {
    seed,
    scale,
    startDay,
    endDay,
    lastDay,
    promotionCutoffDay: promotionCutoffDay(startDay),
    stores,
    items,
    assortment: buildAssortment(seed, stores, items),
    holidays,
    holidayEffects: buildHolidayEffects(holidays, stores, startDay, lastDay),
    testItems: Int32Array.from(testItems),
  };
}
