import { HORIZON_DAYS } from '../schema/kaggle-schema.js';

/**
 * The feature set at origin t (DESIGN.md, "Features at origin t") as data. Training, serving and monitoring
 * import the names from here; the SQL builder and the tests derive everything from these definitions.
 *
 * Day offsets are relative to the origin: offset -1 is t−1, offset 0 is t. History x = log1p(max(sales, 0)),
 * promo p = 1/0 (a count at the item and store-class levels).
 */

/** Window widths of the sales statistics (mean, median, …) and of the promo/no-promo split. */
export const STAT_WINDOWS = [3, 7, 14, 30, 60, 140] as const;
/** Window widths of the day counts (`sales_days_w`, `last_sale_w`, …). */
export const COUNT_WINDOWS = [7, 14, 30, 60, 140] as const;
/** Window widths of `promo_sum_w`. */
export const PROMO_SUM_WINDOWS = [14, 60, 140] as const;
/** Prefix sums of the known future promotions, `promo_next_n`. */
export const PROMO_NEXT_SUMS = [3, 7, 14] as const;
/** Future promotion days t+1 … t+15 seen by the `promo_next_*_15` counts. */
export const PROMO_NEXT_DAYS = 15;
/** `day_1 … day_15`. */
export const LAG_DAYS = 15;
/** Weeks averaged per weekday: `dow{i}_mean_4`, `dow{i}_mean_20`. */
export const WEEKDAY_WEEKS = [4, 20] as const;
/** `promo_m16 … promo_m1`. */
export const PROMO_PAST_DAYS = 16;
/** `promo_p0 … promo_p15`: the whole forecast horizon. */
export const PROMO_FUTURE_DAYS = HORIZON_DAYS;
/** Decay factor of the `decay_w` sums. */
export const DECAY_FACTOR = 0.9;
/** The `_prev` windows end this many days before the origin (t−8); the current ones end at t−1. */
export const PREVIOUS_WINDOW_END = 8;
/** A pair is a row when it has at least one train row in [t−365, t−1]. */
export const SELECTION_DAYS = 365;
/** Perishable items weigh 1.25 in NWRMSLE and in training, others 1. */
export const PERISHABLE_WEIGHT = 1.25;

export type WindowStat = 'mean' | 'median' | 'min' | 'max' | 'std' | 'diff_mean' | 'decay';
/** The statistics computed on both the current and the `_prev` window, in column order. */
export const WINDOW_STATS: readonly WindowStat[] = ['mean', 'median', 'min', 'max', 'std', 'diff_mean', 'decay'];

export type PromoSplitStat = 'promo_sales_mean' | 'promo_sales_decay' | 'nopromo_sales_mean' | 'nopromo_sales_decay';
export const PROMO_SPLIT_STATS: readonly PromoSplitStat[] = ['promo_sales_mean', 'promo_sales_decay', 'nopromo_sales_mean', 'nopromo_sales_decay'];

/** Day counts over a window: how many days are positive, how long ago the last, how long ago the first. */
export type OccurrenceStat = 'days' | 'last' | 'first';
export const OCCURRENCE_STATS: readonly OccurrenceStat[] = ['days', 'last', 'first'];

/** One feature of a series (a store×item pair, an item, or a store's class), independent of its level. */
export type SeriesFeature =
  /** A statistic of x over the w days ending at t−endLag (1, or 8 for `_prev`). */
  | { readonly kind: 'window'; readonly stat: WindowStat; readonly window: number; readonly endLag: number }
  /** Mean or decay sum of x over the promo days (p > 0) or the other days of the window ending at t−1. */
  | { readonly kind: 'promo_split'; readonly stat: PromoSplitStat; readonly window: number }
  /** Counts of positive days of x (`of: 'sales'`) or p (`of: 'promo'`) in the window ending at t−1. */
  | { readonly kind: 'occurrence'; readonly of: 'sales' | 'promo'; readonly stat: OccurrenceStat; readonly window: number }
  /** p summed over the window ending at t−1. */
  | { readonly kind: 'promo_sum'; readonly window: number }
  /** p summed over t+1 … t+days. */
  | { readonly kind: 'promo_next_sum'; readonly days: number }
  /** Counts of promo days among t+1 … t+15, j = 0 … 14. */
  | { readonly kind: 'promo_next_occurrence'; readonly stat: OccurrenceStat; readonly days: number }
  /** x[t−days]. */
  | { readonly kind: 'lag'; readonly days: number }
  /** Mean of x[t−7·weeks+weekday+7k], k = 0 … weeks−1: the same weekday as t−7·weeks+weekday. */
  | { readonly kind: 'weekday_mean'; readonly weekday: number; readonly weeks: number }
  /** p[t+offset], offset −16 … 15. */
  | { readonly kind: 'promo_day'; readonly offset: number };

export type Attribute = 'family' | 'class' | 'perishable' | 'city' | 'state' | 'type' | 'cluster';
/** Item attributes (from `items`) then store attributes (from `stores`), label-encoded. */
export const ATTRIBUTES: readonly Attribute[] = ['family', 'class', 'perishable', 'city', 'state', 'type', 'cluster'];
/** Attributes whose values are text and get a code from a sorted vocabulary; the others are already numbers. */
export const TEXT_ATTRIBUTES = ['family', 'city', 'state', 'type'] as const;
export type TextAttribute = (typeof TEXT_ATTRIBUTES)[number];

export type LevelId = 'store_item' | 'item' | 'store_class';

/** An aggregation level: whose x and p are summed, and the prefix of its feature names. */
export interface Level {
  readonly id: LevelId;
  readonly prefix: string;
  /** Columns that identify one series of the level. */
  readonly keys: readonly ('store_nbr' | 'item_nbr' | 'class')[];
}

/** Levels in column order: the pair itself, the item over all stores, the item's class within its store. */
export const LEVELS: readonly Level[] = [
  { id: 'store_item', prefix: '', keys: ['store_nbr', 'item_nbr'] },
  { id: 'item', prefix: 'item_', keys: ['item_nbr'] },
  { id: 'store_class', prefix: 'store_class_', keys: ['store_nbr', 'class'] },
];

/** One column of the feature matrix. */
export type FeatureColumn =
  | { readonly name: string; readonly dtype: 'float32'; readonly level: LevelId; readonly feature: SeriesFeature }
  | { readonly name: string; readonly dtype: 'float32'; readonly attribute: Attribute };

/** The unprefixed name of a series feature, e.g. `mean_7_prev`, `last_promo_30`, `dow3_mean_20`, `promo_m16`. */
export function seriesFeatureName(f: SeriesFeature): string {
  switch (f.kind) {
    case 'window':
      return `${f.stat}_${f.window}${f.endLag === PREVIOUS_WINDOW_END ? '_prev' : ''}`;
    case 'promo_split':
      return `${f.stat}_${f.window}`;
    case 'occurrence':
      if (f.of === 'sales') return f.stat === 'days' ? `sales_days_${f.window}` : `${f.stat}_sale_${f.window}`;
      return f.stat === 'days' ? `promo_days_${f.window}` : `${f.stat}_promo_${f.window}`;
    case 'promo_sum':
      return `promo_sum_${f.window}`;
    case 'promo_next_sum':
      return `promo_next_${f.days}`;
    case 'promo_next_occurrence':
      return `promo_next_${f.stat}_${f.days}`;
    case 'lag':
      return `day_${f.days}`;
    case 'weekday_mean':
      return `dow${f.weekday}_mean_${f.weeks}`;
    case 'promo_day':
      return f.offset < 0 ? `promo_m${-f.offset}` : `promo_p${f.offset}`;
  }
}

/** The features every level has, in column order (DESIGN.md lists them in this order). */
export function seriesFeatures(): SeriesFeature[] {
  const out: SeriesFeature[] = [];
  for (const window of STAT_WINDOWS) {
    for (const endLag of [1, PREVIOUS_WINDOW_END]) {
      for (const stat of WINDOW_STATS) out.push({ kind: 'window', stat, window, endLag });
    }
    for (const stat of PROMO_SPLIT_STATS) out.push({ kind: 'promo_split', stat, window });
  }
  for (const window of COUNT_WINDOWS) {
    for (const of of ['sales', 'promo'] as const) {
      for (const stat of OCCURRENCE_STATS) out.push({ kind: 'occurrence', of, stat, window });
    }
  }
  for (const window of PROMO_SUM_WINDOWS) out.push({ kind: 'promo_sum', window });
  for (const days of PROMO_NEXT_SUMS) out.push({ kind: 'promo_next_sum', days });
  for (const stat of OCCURRENCE_STATS) out.push({ kind: 'promo_next_occurrence', stat, days: PROMO_NEXT_DAYS });
  for (let days = 1; days <= LAG_DAYS; days++) out.push({ kind: 'lag', days });
  for (let weekday = 0; weekday < 7; weekday++) {
    for (const weeks of WEEKDAY_WEEKS) out.push({ kind: 'weekday_mean', weekday, weeks });
  }
  for (let k = PROMO_PAST_DAYS; k >= 1; k--) out.push({ kind: 'promo_day', offset: -k });
  for (let k = 0; k < PROMO_FUTURE_DAYS; k++) out.push({ kind: 'promo_day', offset: k });
  return out;
}

/** Every column in matrix order: the series features of each level (with its prefix), then the attributes. */
export function featureColumns(): FeatureColumn[] {
  const perLevel = seriesFeatures();
  const columns: FeatureColumn[] = [];
  for (const level of LEVELS) {
    for (const feature of perLevel) {
      columns.push({ name: level.prefix + seriesFeatureName(feature), dtype: 'float32', level: level.id, feature });
    }
  }
  for (const attribute of ATTRIBUTES) columns.push({ name: attribute, dtype: 'float32', attribute });
  return columns;
}

/** The feature columns, computed once. */
export const FEATURE_COLUMNS: readonly FeatureColumn[] = Object.freeze(featureColumns());
/** Ordered feature names: the model's input order. */
export const FEATURE_NAMES: readonly string[] = Object.freeze(FEATURE_COLUMNS.map((c) => c.name));
/** Label names `y_0 … y_15`, one per horizon day t+h. */
export const LABEL_NAMES: readonly string[] = Object.freeze(Array.from({ length: HORIZON_DAYS }, (_, h) => `y_${h}`));

/**
 * Days of history before t that any feature reads: the longest window ending at t−8 reaches back to t−147.
 * Derived from the definitions so that a new window widens the history by itself.
 */
export const HISTORY_DAYS = Math.max(
  Math.max(...STAT_WINDOWS) + PREVIOUS_WINDOW_END - 1,
  Math.max(...COUNT_WINDOWS),
  Math.max(...PROMO_SUM_WINDOWS),
  7 * Math.max(...WEEKDAY_WEEKS),
  LAG_DAYS,
  PROMO_PAST_DAYS,
);

/** What a model bundle records about the features (`feature_spec.json`). */
export interface FeatureSpecDocument {
  readonly version: 1;
  readonly features: readonly { readonly name: string; readonly dtype: 'float32' }[];
  readonly labels: readonly string[];
  readonly weight: { readonly name: 'weight'; readonly perishable: number; readonly other: 1 };
  readonly origin: {
    readonly rows: string;
    readonly historyDays: number;
    readonly selectionDays: number;
    readonly horizonDays: number;
    readonly futurePromotions: string;
  };
}

/** The spec as plain JSON for `feature_spec.json`. */
export function featureSpecDocument(): FeatureSpecDocument {
  return {
    version: 1,
    features: FEATURE_COLUMNS.map((c) => ({ name: c.name, dtype: c.dtype })),
    labels: LABEL_NAMES,
    weight: { name: 'weight', perishable: PERISHABLE_WEIGHT, other: 1 },
    origin: {
      rows: `store×item pairs with at least one train row in [t-${SELECTION_DAYS}, t-1]`,
      historyDays: HISTORY_DAYS,
      selectionDays: SELECTION_DAYS,
      horizonDays: HORIZON_DAYS,
      futurePromotions:
        'p of a cell comes from its sales row; a cell without one takes the promotion plan (test) of that day where the lake holds one: always after the last observed day, and on past days when past plans were loaded',
    },
  };
}
