import { FIRST_OFFSET } from './grid-days.js';
import type { DayValues, PromoValues } from './series-grid.js';
import { DECAY_FACTOR, seriesFeatures, type OccurrenceStat, type SeriesFeature, type WindowStat } from './feature-spec.js';

/**
 * The series features of DESIGN.md computed from one series' stretch of a day grid (series-grid.ts): x and p of
 * consecutive day offsets FIRST_OFFSET … LAST_OFFSET starting at index `base`. The features are compiled once
 * into kernels; features that share a window (the seven window statistics, the four promo-split statistics, the
 * three day counts) share one pass over it.
 *
 * Arithmetic is in float64 and the result is rounded once to float32 on store. Each call of
 * compileSeriesFeatures makes new kernels: one writer per kind of grid (pairs, levels) keeps each kernel's
 * array accesses of one type, which V8 compiles best.
 */
export type SeriesFeatureWriter = (x: DayValues, p: PromoValues, base: number, out: Float32Array, at: number, stride: number) => void;

type Kernel = SeriesFeatureWriter;

/** Index of day `offset` of the series whose first grid day is at `base`. */
const dayIndex = (base: number, offset: number): number => base + offset - FIRST_OFFSET;

/**
 * A writer of `features` (by default every series feature, in column order): it writes feature k of the series
 * at `base` to `out[at + k·stride]`, so into a row of a row-major matrix (stride 1) or a column-major batch of
 * `stride` rows.
 */
export function compileSeriesFeatures(features: readonly SeriesFeature[] = seriesFeatures()): SeriesFeatureWriter {
  const kernels: Kernel[] = [];
  /** Windows ending on the same day, by that day's lag: one backward pass serves all of them. */
  const windowFamilies = new Map<number, Map<number, Partial<Record<WindowStat, number>>>>();
  const splitGroups = new Map<number, Partial<Record<string, number>>>();
  const occurrenceGroups = new Map<string, { of: 'sales' | 'promo' | 'next'; first: number; width: number; columns: Partial<Record<OccurrenceStat, number>> }>();
  const maxWindow = Math.max(1, ...features.map((f) => ('window' in f ? f.window : 1)));
  const scratch = new Float64Array(maxWindow);

  features.forEach((f, column) => {
    switch (f.kind) {
      case 'window': {
        const family = windowFamilies.get(f.endLag) ?? new Map<number, Partial<Record<WindowStat, number>>>();
        const columns = family.get(f.window) ?? {};
        columns[f.stat] = column;
        family.set(f.window, columns);
        windowFamilies.set(f.endLag, family);
        break;
      }
      case 'promo_split': {
        const group = splitGroups.get(f.window) ?? {};
        group[f.stat] = column;
        splitGroups.set(f.window, group);
        break;
      }
      case 'occurrence':
      case 'promo_next_occurrence': {
        const of = f.kind === 'occurrence' ? f.of : 'next';
        const width = f.kind === 'occurrence' ? f.window : f.days;
        const first = f.kind === 'occurrence' ? -f.window : 1;
        const key = `${of}:${width}`;
        const group = occurrenceGroups.get(key) ?? { of, first, width, columns: {} };
        group.columns[f.stat] = column;
        occurrenceGroups.set(key, group);
        break;
      }
      case 'promo_sum':
        kernels.push(promoSumKernel(-f.window, f.window, column));
        break;
      case 'promo_next_sum':
        kernels.push(promoSumKernel(1, f.days, column));
        break;
      case 'lag': {
        const offset = -f.days;
        kernels.push((x, _p, base, out, at, stride) => {
          out[at + column * stride] = x[dayIndex(base, offset)];
        });
        break;
      }
      case 'weekday_mean': {
        const first = -7 * f.weeks + f.weekday;
        const weeks = f.weeks;
        kernels.push((x, _p, base, out, at, stride) => {
          let sum = 0;
          for (let k = 0, i = dayIndex(base, first); k < weeks; k++, i += 7) sum += x[i];
          out[at + column * stride] = sum / weeks;
        });
        break;
      }
      case 'promo_day': {
        const offset = f.offset;
        kernels.push((_x, p, base, out, at, stride) => {
          out[at + column * stride] = p[dayIndex(base, offset)];
        });
        break;
      }
    }
  });
  for (const [endLag, family] of windowFamilies) kernels.push(windowFamilyKernel(endLag, family, scratch));
  for (const [window, columns] of splitGroups) kernels.push(promoSplitKernel(window, columns));
  for (const group of occurrenceGroups.values()) kernels.push(occurrenceKernel(group.of === 'sales', group.first, group.width, group.columns));

  return (x, p, base, out, at, stride) => {
    for (const kernel of kernels) kernel(x, p, base, out, at, stride);
  };
}

/** Σ of p over `width` days from offset `first`. */
function promoSumKernel(first: number, width: number, column: number): Kernel {
  return (_x, p, base, out, at, stride) => {
    let sum = 0;
    for (let i = dayIndex(base, first), end = i + width; i < end; i++) sum += p[i];
    out[at + column * stride] = sum;
  };
}

/**
 * The window statistics of x over every window of `family` (width → columns), all ending at t−endLag. One pass
 * walks back from t−endLag; when it has seen w days it holds window w's sum, extremes, decay sum (the newest
 * day weighs 1, each older one 0.9 times the next) and, by Welford's update, its variance. Only the median needs
 * the window's values again.
 */
function windowFamilyKernel(endLag: number, family: ReadonlyMap<number, Partial<Record<WindowStat, number>>>, scratch: Float64Array): Kernel {
  const widths = [...family.keys()].sort((a, b) => a - b);
  const longest = widths[widths.length - 1];
  // Per day walked back (k = 0 is the newest): the columns of the window that ends there, or -1 for none.
  const checkpoint = new Int32Array(longest).fill(-1);
  const stats = widths.map((w) => ({ width: w, ...family.get(w)! }));
  stats.forEach((s, i) => (checkpoint[s.width - 1] = i));
  const columnsOf = (stat: WindowStat): Int32Array => Int32Array.from(stats, (s) => s[stat] ?? -1);
  const [mean, median, min, max, std, diffMean, decay] = [columnsOf('mean'), columnsOf('median'), columnsOf('min'), columnsOf('max'), columnsOf('std'), columnsOf('diff_mean'), columnsOf('decay')];
  const inverse = Float64Array.from({ length: longest + 1 }, (_, n) => (n === 0 ? 0 : 1 / n));
  const weights = Float64Array.from({ length: longest }, (_, k) => DECAY_FACTOR ** k);
  return (x, _p, base, out, at, stride) => {
    const newest = dayIndex(base, -endLag);
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let decayed = 0;
    let average = 0;
    let squares = 0;
    let zeros = 0;
    for (let k = 0; k < longest; k++) {
      const v = x[newest - k];
      if (v === 0) zeros++;
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      decayed += weights[k] * v;
      const delta = v - average;
      average += delta * inverse[k + 1];
      squares += delta * (v - average);
      const i = checkpoint[k];
      if (i < 0) continue;
      const w = k + 1;
      if (mean[i] >= 0) out[at + mean[i] * stride] = sum / w;
      if (min[i] >= 0) out[at + min[i] * stride] = lo;
      if (max[i] >= 0) out[at + max[i] * stride] = hi;
      if (decay[i] >= 0) out[at + decay[i] * stride] = decayed;
      // The mean of x_j − x_{j−1} over the window telescopes to (newest − oldest) / (w − 1).
      if (diffMean[i] >= 0) out[at + diffMean[i] * stride] = (x[newest] - v) / (w - 1);
      if (std[i] >= 0) out[at + std[i] * stride] = w > 1 ? Math.sqrt(Math.max(squares, 0) / (w - 1)) : NaN;
      if (median[i] >= 0) out[at + median[i] * stride] = medianOfNonNegative(x, newest - k, w, zeros, scratch);
    }
  };
}

/** Mean and decay sum of x over the promo days (p > 0) and over the other days of the window ending at t−1. */
function promoSplitKernel(window: number, columns: Partial<Record<string, number>>): Kernel {
  const promoMean = columns.promo_sales_mean;
  const promoDecay = columns.promo_sales_decay;
  const otherMean = columns.nopromo_sales_mean;
  const otherDecay = columns.nopromo_sales_decay;
  return (x, p, base, out, at, stride) => {
    const start = dayIndex(base, -window);
    let promoSum = 0;
    let otherSum = 0;
    let promoDays = 0;
    let promoDecayed = 0;
    let otherDecayed = 0;
    for (let j = 0; j < window; j++) {
      const v = x[start + j];
      promoDecayed *= DECAY_FACTOR;
      otherDecayed *= DECAY_FACTOR;
      if (p[start + j] > 0) {
        promoSum += v;
        promoDays++;
        promoDecayed += v;
      } else {
        otherSum += v;
        otherDecayed += v;
      }
    }
    // A mean over no days has no value: NaN, LightGBM's missing value.
    if (promoMean !== undefined) out[at + promoMean * stride] = promoDays > 0 ? promoSum / promoDays : NaN;
    if (otherMean !== undefined) out[at + otherMean * stride] = promoDays < window ? otherSum / (window - promoDays) : NaN;
    if (promoDecay !== undefined) out[at + promoDecay * stride] = promoDecayed;
    if (otherDecay !== undefined) out[at + otherDecay * stride] = otherDecayed;
  };
}

/**
 * Day counts over `width` days from offset `first`, of positive x (`sales`) or positive p: `days` = Σ_j ind_j,
 * `last` = w − max_j j·ind_j and `first` = max_j (w−j)·ind_j, j = 0 for the oldest day.
 */
function occurrenceKernel(sales: boolean, first: number, width: number, columns: Partial<Record<OccurrenceStat, number>>): Kernel {
  const { days, last, first: firstColumn } = columns;
  return (x, p, base, out, at, stride) => {
    const values = sales ? x : p;
    const start = dayIndex(base, first);
    let count = 0;
    let newest = 0;
    let oldest = -1;
    for (let j = 0; j < width; j++) {
      if (values[start + j] > 0) {
        count++;
        newest = j;
        if (oldest < 0) oldest = j;
      }
    }
    if (days !== undefined) out[at + days * stride] = count;
    if (last !== undefined) out[at + last * stride] = width - newest;
    if (firstColumn !== undefined) out[at + firstColumn * stride] = oldest < 0 ? 0 : width - oldest;
  };
}

/**
 * The median of the n values x[first … first+n−1], all ≥ 0 (x is log1p of sales clipped at 0), `zeros` of them
 * 0. Most sales histories are largely zeros, and zeros are the smallest values: when they fill both middle
 * positions the median is 0 without looking further, and otherwise only the positive values need a selection.
 */
function medianOfNonNegative(x: DayValues, first: number, n: number, zeros: number, scratch: Float64Array): number {
  const lower = (n - 1) >> 1;
  const upper = n >> 1;
  if (upper < zeros) return 0;
  let m = 0;
  for (let j = first, end = first + n; j < end; j++) if (x[j] !== 0) scratch[m++] = x[j];
  // The middle positions among the positive values; a position below 0 is one of the zeros.
  const low = lower - zeros;
  const high = upper - zeros;
  selectInPlace(scratch, m, high);
  const highValue = scratch[high];
  if (low === high) return highValue;
  if (low < 0) return highValue / 2;
  // After selection everything left of `high` is at most scratch[high]; the lower middle is their maximum.
  let lowValue = -Infinity;
  for (let i = 0; i < high; i++) if (scratch[i] > lowValue) lowValue = scratch[i];
  return (lowValue + highValue) / 2;
}

/** The median of a[0 … n−1] (the mean of the two middle values when n is even); reorders a. */
export function medianInPlace(a: Float64Array, n: number): number {
  const k = (n - 1) >> 1;
  selectInPlace(a, n, k);
  if (n % 2 === 1) return a[k];
  // After selection everything right of k is at least a[k]; the next order statistic is their minimum.
  let next = Infinity;
  for (let i = k + 1; i < n; i++) if (a[i] < next) next = a[i];
  return (a[k] + next) / 2;
}

/** Reorders a[0 … n−1] so that a[k] is the k-th smallest, smaller ones left of it and larger ones right (quickselect). */
function selectInPlace(a: Float64Array, n: number, k: number): void {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    // Median of three as the pivot keeps sorted and constant stretches (common in sales) from going quadratic.
    const mid = (left + right) >> 1;
    if (a[mid] < a[left]) swap(a, mid, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[mid]) swap(a, right, mid);
    const pivot = a[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
