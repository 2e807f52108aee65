import { dayOf } from './day-calendar.js';
import { classCodesOf, FAMILY_PROFILES } from './family-profiles.js';
import { hash32, STREAM, UNIT_SCALE } from './hash-rng.js';
import { normalFromUniform } from './normal-quantile.js';
import { KAGGLE_START } from './scales.js';

/** One item of the synthetic catalogue with its life cycle and popularity. */
export interface SyntheticItem {
  /** Kaggle-like 6–7 digit item number, unique, ascending with the array index. */
  readonly itemNbr: number;
  readonly familyIndex: number;
  readonly classCode: number;
  readonly perishable: 0 | 1;
  /**
   * Popularity: relative purchase rate against other items of the same family, log-normal around one level for
   * staples and a far lower one for slow movers.
   */
  readonly popularity: number;
  /**
   * The item's weekend strength relative to its family's (log-normal, mean 1): within a family some goods are
   * bought for the weekend and others on any day.
   */
  readonly weekendScale: number;
  /** First day the item can sell. */
  readonly launchDay: number;
  /** First day the item no longer sells (exclusive end). */
  readonly stopDay: number;
}

/**
 * Share of items launched between the first Kaggle day and the end of the forecast horizon, at evenly spread
 * days, whatever the scale's start: the Kaggle `train` file holds 44.8k rows a day in 2013 and 105k in 2017, and
 * the launches reproduce that growth. A scale that starts later already carries the items launched before its
 * start; the items launched since have a short history.
 */
export const LAUNCHED_SHARE = 0.65;
/** Share of items discontinued before the end of the history. */
export const DISCONTINUED_SHARE = 0.05;
/** Days over which a new item ramps up to full demand, and a discontinued one fades out. */
export const LIFECYCLE_RAMP_DAYS = 28;

/** Log-sd of an item's popularity among the staples (and among the slow movers). */
const POPULARITY_SIGMA = 1.0;
/**
 * Share of items that are staples, sold in most stores on most days; the rest are slow movers. Kaggle's data has
 * this two-speed shape: the 167,515 store×item pairs with sales in 2017 sell on 63% of its days, and a `train` row
 * holds a median of 4 units (quartiles 2 and 9, mean 8.55), so few rows come from slow pairs.
 */
export const STAPLE_SHARE = 0.7;
/** Purchase rate of a slow mover relative to a staple of the same log-normal draw. */
export const SLOW_MOVER_FACTOR = 0.03;
/** Log-sd of an item's weekend strength around its family's. */
const WEEKEND_SCALE_SIGMA = 0.5;
const NEVER = 1e9;

/**
 * Number of items per family: one for every family when there are enough items, the rest in proportion to the
 * Kaggle family sizes (largest remainders).
 */
export function familyCounts(itemCount: number): number[] {
  const n = FAMILY_PROFILES.length;
  const floor = itemCount >= n ? 1 : 0;
  const rest = itemCount - floor * n;
  const total = FAMILY_PROFILES.reduce((sum, fam) => sum + fam.itemWeight, 0);
  const exact = FAMILY_PROFILES.map((fam) => (rest * fam.itemWeight) / total);
  const counts = exact.map((x) => floor + Math.floor(x));
  let missing = itemCount - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (missing-- <= 0) break;
    counts[i]++;
  }
  return counts;
}

/**
 * The item catalogue for a seed: numbers, families, classes, popularity, and life cycles. A fixed share of items
 * launches between the first Kaggle day and the end of the forecast horizon, another share stops before the end.
 */
export function buildItems(seed: number, itemCount: number, startDay: number, endDay: number, horizonDays: number): SyntheticItem[] {
  const counts = familyCounts(itemCount);
  const families: number[] = [];
  counts.forEach((c, fam) => {
    for (let j = 0; j < c; j++) families.push(fam);
  });
  // Families are dealt to item numbers in hashed order so that neighbouring numbers mix families.
  const slots = families.map((_, i) => i).sort((a, b) => hash32(seed, STREAM.itemFamily, a) - hash32(seed, STREAM.itemFamily, b) || a - b);

  const meanGap = Math.floor(1_950_000 / itemCount);
  let itemNbr = 100_000 + (hash32(seed, STREAM.itemNumber, -1) % 50_000);
  const byLifecycle = families.map((_, i) => i).sort((a, b) => hash32(seed, STREAM.itemLifecycle, a) - hash32(seed, STREAM.itemLifecycle, b) || a - b);
  const launched = new Set(byLifecycle.slice(0, Math.max(2, Math.round(LAUNCHED_SHARE * itemCount))));
  const firstLaunch = Math.min(startDay, dayOf(KAGGLE_START)) + 14;
  const stopped = new Set(
    byLifecycle.slice(launched.size, launched.size + Math.max(2, Math.round(DISCONTINUED_SHARE * itemCount))),
  );

  return families.map((_, i) => {
    itemNbr += 1 + (hash32(seed, STREAM.itemNumber, i) % (2 * meanGap));
    const familyIndex = families[slots[i]];
    const classes = classCodesOf(familyIndex);
    const u = (k: number) => hash32(seed, STREAM.itemLifecycle, i, k) * UNIT_SCALE;
    const p = (k: number) => hash32(seed, STREAM.itemPopularity, i, k) * UNIT_SCALE;
    const launchDay = launched.has(i) ? firstLaunch + Math.floor(u(1) * (endDay + horizonDays - firstLaunch)) : startDay - NEVER;
    const stopDay = stopped.has(i) ? startDay + 60 + Math.floor(u(2) * (endDay - 14 - startDay - 60)) : endDay + NEVER;
    return {
      itemNbr,
      familyIndex,
      classCode: classes[hash32(seed, STREAM.itemClass, i) % classes.length],
      perishable: FAMILY_PROFILES[familyIndex].perishable,
      popularity: Math.exp(POPULARITY_SIGMA * normalFromUniform(p(0))) * (p(1) < STAPLE_SHARE ? 1 : SLOW_MOVER_FACTOR),
      weekendScale: Math.exp(WEEKEND_SCALE_SIGMA * normalFromUniform(p(2)) - WEEKEND_SCALE_SIGMA ** 2 / 2),
      launchDay,
      stopDay,
    };
  });
}

/** Demand multiplier of an item on a day: 0 outside its life, ramping up after launch and down before stop. */
export function lifecycleFactor(item: SyntheticItem, day: number): number {
  if (day < item.launchDay || day >= item.stopDay) return 0;
  const sinceLaunch = (day - item.launchDay) / LIFECYCLE_RAMP_DAYS;
  const untilStop = (item.stopDay - 1 - day) / LIFECYCLE_RAMP_DAYS;
  return Math.min(1, 0.2 + 0.8 * Math.min(sinceLaunch, untilStop));
}

/** Whether the item is on sale on the day. */
export function isActive(item: SyntheticItem, day: number): boolean {
  return day >= item.launchDay && day < item.stopDay;
}
