/**
 * A deliberately plain reference for the feature builder: per-day maps and loops written straight from the text
 * of DESIGN.md ("Features at origin t"), sharing no code with the SQL builder. Slow and obvious on purpose.
 */

export interface SaleRow {
  readonly date: string;
  readonly store: number;
  readonly item: number;
  readonly sales: number;
  readonly promo: boolean | null;
}

export interface PlanRow {
  readonly date: string;
  readonly store: number;
  readonly item: number;
  readonly promo: boolean | null;
}

export interface ItemRow {
  readonly item: number;
  readonly family: string;
  readonly class: number;
  readonly perishable: number;
}

export interface StoreRow {
  readonly store: number;
  readonly city: string;
  readonly state: string;
  readonly type: string;
  readonly cluster: number;
}

export interface NaiveData {
  readonly sales: readonly SaleRow[];
  readonly plan: readonly PlanRow[];
  readonly items: readonly ItemRow[];
  readonly stores: readonly StoreRow[];
}

export interface NaiveRow {
  readonly store: number;
  readonly item: number;
  readonly features: Map<string, number>;
  /** x on t … t+15. */
  readonly labels: number[];
  readonly weight: number;
}

/** The day `n` days after an ISO date. */
export function shiftDay(iso: string, n: number): string {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

type Day = { x: number; p: number };
/** A daily series: its x and p on a date, 0 for days without data. */
type Series = (date: string) => Day;

/** Feature rows at `origin`, sorted by store then item, as DESIGN.md defines them. */
export function naiveFeatureRows(data: NaiveData, origin: string): NaiveRow[] {
  const last = data.sales.reduce((m, r) => (r.date > m ? r.date : m), '');
  const firstSelected = shiftDay(origin, -365);
  const lastSelected = shiftDay(origin, -1);

  const selected = new Set<string>();
  for (const r of data.sales) if (r.date >= firstSelected && r.date <= lastSelected) selected.add(`${r.store}:${r.item}`);

  const days = new Map<string, Map<string, Day>>();
  const dayMap = (key: string): Map<string, Day> => {
    let m = days.get(key);
    if (!m) days.set(key, (m = new Map()));
    return m;
  };
  for (const r of data.sales) {
    if (!selected.has(`${r.store}:${r.item}`)) continue;
    dayMap(`${r.store}:${r.item}`).set(r.date, { x: Math.log(1 + Math.max(r.sales, 0)), p: r.promo === true ? 1 : 0 });
  }
  // A plan row gives the flag of a cell without a sales row that day (every cell after the last observed day).
  for (const r of data.plan) {
    const key = `${r.store}:${r.item}`;
    if (!selected.has(key) || dayMap(key).has(r.date)) continue;
    dayMap(key).set(r.date, { x: 0, p: r.promo === true ? 1 : 0 });
  }
  const pairSeries = (key: string): Series => (date) => days.get(key)?.get(date) ?? { x: 0, p: 0 };
  const summed = (keys: string[]): Series => (date) => {
    let x = 0;
    let p = 0;
    for (const k of keys) {
      const d = pairSeries(k)(date);
      x += d.x;
      p += d.p;
    }
    return { x, p };
  };

  const itemOf = new Map(data.items.map((i) => [i.item, i]));
  const storeOf = new Map(data.stores.map((s) => [s.store, s]));
  const pairs = [...selected].map((k) => k.split(':').map(Number) as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const codes = (values: string[]): Map<string, number> => new Map([...new Set(values)].sort().map((v, i) => [v, i]));
  const familyCode = codes(data.items.map((i) => i.family));
  const cityCode = codes(data.stores.map((s) => s.city));
  const stateCode = codes(data.stores.map((s) => s.state));
  const typeCode = codes(data.stores.map((s) => s.type));

  return pairs.map(([store, item]) => {
    const info = itemOf.get(item)!;
    const shop = storeOf.get(store)!;
    const sameItem = pairs.filter(([, i]) => i === item).map(([s, i]) => `${s}:${i}`);
    const sameClass = pairs.filter(([s, i]) => s === store && itemOf.get(i)!.class === info.class).map(([s, i]) => `${s}:${i}`);
    const features = new Map<string, number>();
    for (const [prefix, series] of [
      ['', pairSeries(`${store}:${item}`)],
      ['item_', summed(sameItem)],
      ['store_class_', summed(sameClass)],
    ] as const) {
      for (const [name, value] of seriesFeatures(series, origin)) features.set(prefix + name, value);
    }
    features.set('family', familyCode.get(info.family)!);
    features.set('class', info.class);
    features.set('perishable', info.perishable);
    features.set('city', cityCode.get(shop.city)!);
    features.set('state', stateCode.get(shop.state)!);
    features.set('type', typeCode.get(shop.type)!);
    features.set('cluster', shop.cluster);
    const own = pairSeries(`${store}:${item}`);
    const labels = Array.from({ length: 16 }, (_, h) => {
      const date = shiftDay(origin, h);
      return date <= last ? own(date).x : 0;
    });
    return { store, item, features, labels, weight: info.perishable === 1 ? 1.25 : 1 };
  });
}

/** Every feature of one series at origin t, by unprefixed name. */
function seriesFeatures(series: Series, t: string): Map<string, number> {
  const out = new Map<string, number>();
  const window = (endDaysBefore: number, w: number): Day[] => {
    const list: Day[] = [];
    for (let j = 0; j < w; j++) list.push(series(shiftDay(t, -endDaysBefore - (w - 1) + j)));
    return list;
  };

  for (const w of [3, 7, 14, 30, 60, 140]) {
    for (const [endBefore, suffix] of [
      [1, ''],
      [8, '_prev'],
    ] as const) {
      const x = window(endBefore, w).map((d) => d.x);
      let total = 0;
      for (const v of x) total += v;
      const mean = total / w;
      const sorted = [...x].sort((a, b) => a - b);
      const median = w % 2 === 1 ? sorted[(w - 1) / 2] : (sorted[w / 2 - 1] + sorted[w / 2]) / 2;
      let squares = 0;
      for (const v of x) squares += (v - mean) * (v - mean);
      let diffs = 0;
      for (let j = 1; j < w; j++) diffs += x[j] - x[j - 1];
      let decay = 0;
      for (let j = 0; j < w; j++) decay += Math.pow(0.9, w - 1 - j) * x[j];
      out.set(`mean_${w}${suffix}`, mean);
      out.set(`median_${w}${suffix}`, median);
      out.set(`min_${w}${suffix}`, Math.min(...x));
      out.set(`max_${w}${suffix}`, Math.max(...x));
      out.set(`std_${w}${suffix}`, Math.sqrt(squares / (w - 1)));
      out.set(`diff_mean_${w}${suffix}`, diffs / (w - 1));
      out.set(`decay_${w}${suffix}`, decay);
    }
    const days = window(1, w);
    for (const [name, onPromo] of [
      ['promo_sales', true],
      ['nopromo_sales', false],
    ] as const) {
      let total = 0;
      let count = 0;
      let decay = 0;
      days.forEach((d, j) => {
        if (d.p > 0 === onPromo) {
          total += d.x;
          count += 1;
          decay += Math.pow(0.9, w - 1 - j) * d.x;
        }
      });
      out.set(`${name}_mean_${w}`, count === 0 ? NaN : total / count);
      out.set(`${name}_decay_${w}`, decay);
    }
  }

  const counts = (values: number[]): { days: number; last: number; first: number } => {
    const w = values.length;
    let days = 0;
    let lastJ = 0;
    let first = 0;
    values.forEach((v, j) => {
      if (v > 0) {
        days += 1;
        lastJ = Math.max(lastJ, j);
        first = Math.max(first, w - j);
      }
    });
    return { days, last: w - lastJ, first };
  };
  for (const w of [7, 14, 30, 60, 140]) {
    const days = window(1, w);
    const sales = counts(days.map((d) => d.x));
    const promo = counts(days.map((d) => d.p));
    out.set(`sales_days_${w}`, sales.days);
    out.set(`last_sale_${w}`, sales.last);
    out.set(`first_sale_${w}`, sales.first);
    out.set(`promo_days_${w}`, promo.days);
    out.set(`last_promo_${w}`, promo.last);
    out.set(`first_promo_${w}`, promo.first);
  }
  for (const w of [14, 60, 140]) out.set(`promo_sum_${w}`, window(1, w).reduce((s, d) => s + d.p, 0));

  const next: number[] = [];
  for (let j = 0; j < 15; j++) next.push(series(shiftDay(t, 1 + j)).p);
  for (const n of [3, 7, 14]) out.set(`promo_next_${n}`, next.slice(0, n).reduce((a, b) => a + b, 0));
  const future = counts(next);
  out.set('promo_next_days_15', future.days);
  out.set('promo_next_last_15', future.last);
  out.set('promo_next_first_15', future.first);

  for (let k = 1; k <= 15; k++) out.set(`day_${k}`, series(shiftDay(t, -k)).x);
  for (let i = 0; i < 7; i++) {
    for (const weeks of [4, 20]) {
      let total = 0;
      for (let k = 0; k < weeks; k++) total += series(shiftDay(t, -7 * weeks + i + 7 * k)).x;
      out.set(`dow${i}_mean_${weeks}`, total / weeks);
    }
  }
  for (let k = 16; k >= 1; k--) out.set(`promo_m${k}`, series(shiftDay(t, -k)).p);
  for (let k = 0; k <= 15; k++) out.set(`promo_p${k}`, series(shiftDay(t, k)).p);
  return out;
}
