import type { HolidayEvent } from './holiday-calendar.js';
import type { StoreRecord } from './store-catalog.js';

/** Sales multiplier of each holiday type on the day it is observed. */
export const HOLIDAY_TYPE_EFFECT: Readonly<Record<HolidayEvent['type'], number>> = {
  Holiday: 1.3,
  Transfer: 1.3,
  Bridge: 1.25,
  Additional: 1.2,
  Event: 1.1,
  // A Saturday worked to make up a bridge day: shoppers are at work, so it sells less than a normal Saturday.
  'Work Day': 0.88,
};

const MIN_EFFECT = 0.8;
const MAX_EFFECT = 1.6;

/** Whether a holiday row applies to a store: national rows everywhere, regional by province, local by city. */
export function appliesTo(event: HolidayEvent, store: StoreRecord): boolean {
  if (event.locale === 'National') return true;
  if (event.locale === 'Regional') return event.localeName === store.state;
  return event.localeName === store.city;
}

/** Per-day, per-store sales multipliers derived from the holiday file; 1 on ordinary days. */
export interface HolidayEffects {
  readonly firstDay: number;
  readonly lastDay: number;
  /** Multiplier for store index `s` on `day`. */
  factor(day: number, s: number): number;
}

/**
 * Turns the holiday rows into multipliers. A row marked `transferred` has no effect on its official date (the
 * `Transfer` row carries it); several rows on one day multiply, within [0.8, 1.6].
 */
export function buildHolidayEffects(
  events: readonly HolidayEvent[],
  stores: readonly StoreRecord[],
  firstDay: number,
  lastDay: number,
): HolidayEffects {
  const n = stores.length;
  const table = new Float64Array((lastDay - firstDay + 1) * n).fill(1);
  for (const event of events) {
    if (event.transferred || event.day < firstDay || event.day > lastDay) continue;
    const base = (event.day - firstDay) * n;
    stores.forEach((store, s) => {
      if (appliesTo(event, store)) table[base + s] *= HOLIDAY_TYPE_EFFECT[event.type];
    });
  }
  for (let k = 0; k < table.length; k++) table[k] = Math.min(MAX_EFFECT, Math.max(MIN_EFFECT, table[k]));
  return {
    firstDay,
    lastDay,
    factor(day, s) {
      if (day < firstDay || day > lastDay) return 1;
      return table[(day - firstDay) * n + s];
    },
  };
}
