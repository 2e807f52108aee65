import { ECUADOR_STORES } from './store-catalog.js';
import { dayOf } from './day-calendar.js';

/** Dataset sizes the generator knows. */
export const SCALE_NAMES = ['tiny', 'small', 'medium', 'full'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

/** What one scale generates: which stores, how many items, which train period. */
export interface ScaleSpec {
  readonly name: ScaleName;
  readonly storeNbrs: readonly number[];
  readonly itemCount: number;
  /** First train day (ISO). */
  readonly start: string;
  /** Last train day (ISO): 2017-08-15 for every scale, like Kaggle. */
  readonly end: string;
}

const ALL_STORES = ECUADOR_STORES.map((s) => s.storeNbr);
/** First day of the Kaggle `train` file. */
export const KAGGLE_START = '2013-01-01';
const KAGGLE_END = '2017-08-15';

/**
 * Store subsets are chosen to cover distinct cities and provinces (so local and regional holidays show up) and,
 * for small, all five formats.
 */
export const SCALES: Readonly<Record<ScaleName, ScaleSpec>> = {
  tiny: { name: 'tiny', storeNbrs: [12, 24, 39, 44], itemCount: 60, start: '2016-06-01', end: KAGGLE_END },
  small: {
    name: 'small',
    storeNbrs: [3, 9, 12, 24, 28, 39, 40, 43, 44, 47],
    itemCount: 300,
    start: '2015-06-01',
    end: KAGGLE_END,
  },
  medium: { name: 'medium', storeNbrs: ALL_STORES, itemCount: 1000, start: '2015-01-01', end: KAGGLE_END },
  full: { name: 'full', storeNbrs: ALL_STORES, itemCount: 4300, start: KAGGLE_START, end: KAGGLE_END },
};

/** Narrows a string to a scale name. */
export function isScaleName(value: string): value is ScaleName {
  return (SCALE_NAMES as readonly string[]).includes(value);
}

/** Kaggle's train file leaves `onpromotion` empty before this day. */
export const KAGGLE_PROMOTION_CUTOFF = '2014-04-01';

/**
 * First day with a recorded `onpromotion` flag: Kaggle's cut-off, or 60 days after the start for scales that
 * begin later, so that every scale keeps a stretch of empty flags at its start.
 */
export function promotionCutoffDay(startDay: number): number {
  return Math.max(dayOf(KAGGLE_PROMOTION_CUTOFF), startDay + 60);
}
