import { dayOfYmd, partsOf } from './day-calendar.js';

/** Yearly growth of demand (new customers, inflation of baskets), anchored at 2013-01-01. */
export const YEARLY_GROWTH = 0.04;
/** Extra sales on public-sector paydays (the 15th and the last day of a month) and the day after. */
export const PAYDAY_LIFT = 0.06;
/** Peak of the December ramp on the 23rd, relative to an ordinary day. */
export const DECEMBER_PEAK = 1.6;

const TREND_ANCHOR = dayOfYmd(2013, 1, 1);

/** Multiplier shared by all families: slow growth and payday spikes. */
export function calendarFactor(day: number): number {
  const { year, month, dom } = partsOf(day);
  const lastDom = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const payday = dom === 15 || dom === 16 || dom === lastDom || dom === 1;
  const trend = Math.exp((YEARLY_GROWTH * (day - TREND_ANCHOR)) / 365.25);
  return trend * (payday ? 1 + PAYDAY_LIFT : 1);
}

/**
 * The festive-season curve: sales ramp up through December to a peak on the 23rd, stay high on the 24th (shorter
 * opening hours), settle between Christmas and New Year, and dip in the first days of January. Families raise it
 * to their own `festive` exponent.
 */
export function festiveCurve(day: number): number {
  const { month, dom } = partsOf(day);
  if (month === 12) {
    if (dom <= 23) return 1 + (DECEMBER_PEAK - 1) * (dom / 23) ** 2;
    if (dom === 24) return 1 + (DECEMBER_PEAK - 1) * 0.6;
    return 1.12;
  }
  if (month === 1 && dom <= 10) return 0.9;
  return 1;
}
