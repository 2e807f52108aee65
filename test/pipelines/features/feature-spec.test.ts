import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTES,
  FEATURE_COLUMNS,
  FEATURE_NAMES,
  featureSpecDocument,
  HISTORY_DAYS,
  LABEL_NAMES,
  seriesFeatures,
} from '../../../pipelines/features/index.js';

const PREFIXES = ['', 'item_', 'store_class_'];

describe('feature spec', () => {
  it('has 208 features per level at three levels plus 7 attributes: 631 columns, all float32, no duplicates', () => {
    // Per level (DESIGN.md): 6 windows × (7 stats + 7 `_prev` + 4 promo splits) = 108, 5 count windows × 6 = 30,
    // 3 promo sums, 3 + 3 future promotion features, 15 lags, 7 weekdays × 2, 16 + 16 daily promo flags.
    expect(seriesFeatures()).toHaveLength(108 + 30 + 3 + 6 + 15 + 14 + 32);
    expect(FEATURE_NAMES).toHaveLength(3 * 208 + 7);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    expect(FEATURE_COLUMNS.every((c) => c.dtype === 'float32')).toBe(true);
    expect(FEATURE_NAMES.slice(-7)).toEqual(['family', 'class', 'perishable', 'city', 'state', 'type', 'cluster']);
    expect(ATTRIBUTES).toEqual(FEATURE_NAMES.slice(-7));
  });

  it('orders the columns level by level, window by window, as DESIGN.md lists them', () => {
    expect(FEATURE_NAMES.slice(0, 18)).toEqual([
      'mean_3', 'median_3', 'min_3', 'max_3', 'std_3', 'diff_mean_3', 'decay_3',
      'mean_3_prev', 'median_3_prev', 'min_3_prev', 'max_3_prev', 'std_3_prev', 'diff_mean_3_prev', 'decay_3_prev',
      'promo_sales_mean_3', 'promo_sales_decay_3', 'nopromo_sales_mean_3', 'nopromo_sales_decay_3',
    ]);
    expect(FEATURE_NAMES.slice(108, 114)).toEqual(['sales_days_7', 'last_sale_7', 'first_sale_7', 'promo_days_7', 'last_promo_7', 'first_promo_7']);
    expect(FEATURE_NAMES.slice(138, 162)).toEqual([
      'promo_sum_14', 'promo_sum_60', 'promo_sum_140',
      'promo_next_3', 'promo_next_7', 'promo_next_14', 'promo_next_days_15', 'promo_next_last_15', 'promo_next_first_15',
      ...Array.from({ length: 15 }, (_, k) => `day_${k + 1}`),
    ]);
    expect(FEATURE_NAMES.slice(162, 166)).toEqual(['dow0_mean_4', 'dow0_mean_20', 'dow1_mean_4', 'dow1_mean_20']);
    expect(FEATURE_NAMES.slice(176, 208)).toEqual([
      ...Array.from({ length: 16 }, (_, k) => `promo_m${16 - k}`),
      ...Array.from({ length: 16 }, (_, k) => `promo_p${k}`),
    ]);
    expect(FEATURE_NAMES.slice(208, 210)).toEqual(['item_mean_3', 'item_median_3']);
    expect(FEATURE_NAMES.slice(416, 418)).toEqual(['store_class_mean_3', 'store_class_median_3']);
    expect(FEATURE_NAMES[623]).toBe('store_class_promo_p15');
  });

  it('gives every level every series feature, with the level prefix, and the attributes only once', () => {
    const unprefixed = FEATURE_NAMES.slice(0, 208);
    for (const prefix of PREFIXES) {
      for (const name of ['mean_140_prev', 'decay_60', 'nopromo_sales_decay_140', 'first_sale_140', 'last_promo_30', 'promo_sum_140',
        'promo_next_first_15', 'day_15', 'dow6_mean_20', 'promo_m16', 'promo_p15']) {
        expect(FEATURE_NAMES).toContain(prefix + name);
      }
      expect(FEATURE_NAMES.filter((n) => n.startsWith(prefix) && unprefixed.includes(n.slice(prefix.length)))).toHaveLength(208);
      for (const attribute of ATTRIBUTES) if (prefix) expect(FEATURE_NAMES).not.toContain(prefix + attribute);
    }
    // Windows that DESIGN.md does not define are absent.
    for (const name of ['sales_days_3', 'last_promo_3', 'promo_sum_7', 'promo_sum_30', 'day_16', 'promo_m17', 'promo_p16', 'dow7_mean_4', 'promo_next_15']) {
      expect(FEATURE_NAMES).not.toContain(name);
    }
  });

  it('needs 147 days of history: the 140-day window ending at t−8', () => {
    expect(HISTORY_DAYS).toBe(147);
  });

  it('describes itself for feature_spec.json', () => {
    const doc = featureSpecDocument();
    expect(doc.features.map((f) => f.name)).toEqual(FEATURE_NAMES);
    expect(doc.labels).toEqual(LABEL_NAMES);
    expect(LABEL_NAMES).toEqual(Array.from({ length: 16 }, (_, h) => `y_${h}`));
    expect(doc.weight).toEqual({ name: 'weight', perishable: 1.25, other: 1 });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
