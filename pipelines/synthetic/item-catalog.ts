import { classCodesOf, FAMILY_PROFILES } from './family-profiles.js';
import { hash32, STREAM, UNIT_SCALE } from './hash-rng.js';
import { normalFromUniform } from './normal-quantile.js';

/** One item of the synthetic catalogue with its life cycle and popularity. */
export interface SyntheticItem {
  /** Kaggle-like 6–7 digit item number, unique, ascending with the array index. */
  readonly itemNbr: number;
  readonly familyIndex: number;
  readonly classCode: number;
  readonly perishable: 0 | 1;
  /** Log-normal popularity: relative purchase rate against other items of the same family. */
  readonly popularity: number;
  /** First day the item can sell. */
  readonly launchDay: number;
  /** First day the item no longer sells (exclusive end). */
  readonly stopDay: number;
}

/** Share of items launched during the history (they have a short history). */
export const LAUNCHED_SHARE = 0.1;
/** Share of items discontinued before the end of the history. */
export const DISCONTINUED_SHARE = 0.05;
/** Days over which a new item ramps up to full demand, and a discontinued one fades out. */
export const LIFECYCLE_RAMP_DAYS = 28;

const POPULARITY_SIGMA = 1.8;
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
 * launches between the start and the end of the forecast horizon, another share stops before the end.
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
  const stopped = new Set(
    byLifecycle.slice(launched.size, launched.size + Math.max(2, Math.round(DISCONTINUED_SHARE * itemCount))),
  );

  return families.map((_, i) => {
    itemNbr += 1 + (hash32(seed, STREAM.itemNumber, i) % (2 * meanGap));
    const familyIndex = families[slots[i]];
    const classes = classCodesOf(familyIndex);
    const u = (k: number) => hash32(seed, STREAM.itemLifecycle, i, k) * UNIT_SCALE;
    const launchDay = launched.has(i) ? startDay + 14 + Math.floor(u(1) * (endDay + horizonDays - startDay - 14)) : startDay - NEVER;
    const stopDay = stopped.has(i) ? startDay + 60 + Math.floor(u(2) * (endDay - 14 - startDay - 60)) : endDay + NEVER;
    return {
      itemNbr,
      familyIndex,
      classCode: classes[hash32(seed, STREAM.itemClass, i) % classes.length],
      perishable: FAMILY_PROFILES[familyIndex].perishable,
      popularity: Math.exp(POPULARITY_SIGMA * normalFromUniform(hash32(seed, STREAM.itemPopularity, i) * UNIT_SCALE)),
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
