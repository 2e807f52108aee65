import { gridOffsets, promoColumn, salesColumn } from './day-columns.js';
import { DECAY_FACTOR, seriesFeatureName, seriesFeatures, type SeriesFeature } from './feature-spec.js';

/**
 * SQL for the series features over a table with one column per day (see day-columns.ts). Every feature is a
 * scalar expression over those columns: sums, least/greatest and CASE are plain SQL; the median, the sample
 * standard deviation and the decay sums use DuckDB list functions.
 *
 * The per-day conditions (is the day a promo day, did it sell) are computed once per day as derived columns
 * (see derivedDayColumns); the features then sum columns. Sums of CASE expressions cost DuckDB more to plan
 * than to run on 20k rows.
 */

/** Day offsets of the window of `width` days ending at t−endLag, oldest (j = 0) first. */
export function windowOffsets(width: number, endLag: number): number[] {
  return Array.from({ length: width }, (_, j) => -(endLag + width - 1 - j));
}

/** Day offsets t+1 … t+days (j = 0 … days−1). */
function nextOffsets(days: number): number[] {
  return Array.from({ length: days }, (_, j) => j + 1);
}

/** 1 when the day's promo value is positive ("a promo day is always p_j > 0"), else 0. */
const promoDay = (offset: number): string => `on_${promoColumn(offset)}`;
/** 1 when the day's x is positive (it sold), else 0. */
const saleDay = (offset: number): string => `on_${salesColumn(offset)}`;
/** x on promo days, 0 on the others. */
const promoSales = (offset: number): string => `promo_${salesColumn(offset)}`;
/** x on days that are not promo days, 0 on the others. */
const noPromoSales = (offset: number): string => `nopromo_${salesColumn(offset)}`;

/** The derived per-day columns the features read, as `expression AS name`. */
function derivedDayColumns(): string[] {
  const columns: string[] = [];
  for (const o of gridOffsets()) {
    const p = promoColumn(o);
    columns.push(`CASE WHEN ${p} > 0 THEN 1 ELSE 0 END AS ${promoDay(o)}`);
    if (o >= 0) continue;
    const x = salesColumn(o);
    columns.push(`CASE WHEN ${x} > 0 THEN 1 ELSE 0 END AS ${saleDay(o)}`);
    columns.push(`CASE WHEN ${p} > 0 THEN ${x} ELSE 0 END AS ${promoSales(o)}`);
    columns.push(`CASE WHEN ${p} > 0 THEN 0 ELSE ${x} END AS ${noPromoSales(o)}`);
  }
  return columns;
}

const sum = (terms: readonly string[]): string => `(${terms.join(' + ')})`;
const list = (columns: readonly string[]): string => `[${columns.join(', ')}]`;
/**
 * Σ 0.9^(w−1−j)·term_j, so the newest day weighs 1: a dot product with constant weights, which DuckDB plans and
 * runs several times faster than the written-out weighted sum.
 */
function decaySum(terms: readonly string[]): string {
  const w = terms.length;
  const weights = terms.map((_, j) => String(DECAY_FACTOR ** (w - 1 - j)));
  return `list_dot_product(${list(terms)}, CAST(${list(weights)} AS DOUBLE[]))`;
}

/**
 * `days` (= Σ_j ind_j), `last` (= w − max_j j·ind_j) and `first` (= max_j (w−j)·ind_j) over 0/1 day
 * indicators ind_0 … ind_{w−1}.
 */
function occurrence(stat: 'days' | 'last' | 'first', indicators: readonly string[]): string {
  const w = indicators.length;
  switch (stat) {
    case 'days':
      return sum(indicators);
    case 'last':
      return `${w} - greatest(${indicators.map((c, j) => `${j} * ${c}`).join(', ')})`;
    case 'first':
      return `greatest(${indicators.map((c, j) => `${w - j} * ${c}`).join(', ')})`;
  }
}

/** The SQL expression of one series feature; NULL where the definition has no value (a mean over no days). */
export function featureExpression(f: SeriesFeature): string {
  switch (f.kind) {
    case 'window': {
      const x = windowOffsets(f.window, f.endLag).map(salesColumn);
      switch (f.stat) {
        case 'mean':
          return `${sum(x)} / ${f.window}`;
        case 'median':
          return `list_median(${list(x)})`;
        case 'min':
          return `least(${x.join(', ')})`;
        case 'max':
          return `greatest(${x.join(', ')})`;
        case 'std':
          return `list_stddev_samp(${list(x)})`;
        case 'diff_mean':
          // The mean of x_j − x_{j−1} over j = 1 … w−1 telescopes to (x_{w−1} − x_0) / (w−1).
          return `(${x[x.length - 1]} - ${x[0]}) / ${f.window - 1}`;
        case 'decay':
          return decaySum(x);
      }
      break;
    }
    case 'promo_split': {
      const offsets = windowOffsets(f.window, 1);
      const onPromo = f.stat.startsWith('promo_');
      const values = offsets.map(onPromo ? promoSales : noPromoSales);
      if (f.stat.endsWith('_decay')) return decaySum(values);
      const promoDays = sum(offsets.map(promoDay));
      return `${sum(values)} / nullif(${onPromo ? promoDays : `${f.window} - ${promoDays}`}, 0)`;
    }
    case 'occurrence':
      return occurrence(f.stat, windowOffsets(f.window, 1).map(f.of === 'sales' ? saleDay : promoDay));
    case 'promo_sum':
      return sum(windowOffsets(f.window, 1).map(promoColumn));
    case 'promo_next_sum':
      return sum(nextOffsets(f.days).map(promoColumn));
    case 'promo_next_occurrence':
      return occurrence(f.stat, nextOffsets(f.days).map(promoDay));
    case 'lag':
      return salesColumn(-f.days);
    case 'weekday_mean': {
      const offsets = Array.from({ length: f.weeks }, (_, k) => -7 * f.weeks + f.weekday + 7 * k);
      return `${sum(offsets.map(salesColumn))} / ${f.weeks}`;
    }
    case 'promo_day':
      return promoColumn(f.offset);
  }
}

/** Quotes an identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * SELECT of the `passThrough` columns and every series feature (unprefixed names, FLOAT) for the rows of
 * `source`, a table with the day columns. Planned once for all levels: planning costs about as much as running
 * it on 20k rows.
 */
export function seriesFeaturesSql(source: string, passThrough: readonly string[]): string {
  const columns = seriesFeatures().map((f) => `CAST(${featureExpression(f)} AS FLOAT) AS ${ident(seriesFeatureName(f))}`);
  return `SELECT ${[...passThrough.map(ident), ...columns].join(',\n  ')}
FROM (SELECT *, ${derivedDayColumns().join(', ')} FROM ${source})`;
}

/**
 * INSERT of one level's series into the grid table: the history and promotion day columns of the store×item
 * rows (level 0) summed over `keys`, so that the item level sums over stores and the store-class level over the
 * items of one class in one store. Labels are not summed.
 */
export function levelSumsSql(grid: string, level: number, keys: readonly string[]): string {
  const columns = gridOffsets().flatMap((o) => (o < 0 ? [salesColumn(o), promoColumn(o)] : [promoColumn(o)]));
  const target = ['level', ...keys, ...columns].map(ident).join(', ');
  const sums = columns.map((c) => `sum(${ident(c)})`).join(', ');
  return `INSERT INTO ${grid} (${target})
SELECT ${level}, ${keys.map(ident).join(', ')}, ${sums}
FROM ${grid} WHERE level = 0
GROUP BY ${keys.map(ident).join(', ')}`;
}
