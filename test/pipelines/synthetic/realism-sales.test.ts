import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorld,
  clusterVolume,
  dayOf,
  FAMILY_PROFILES,
  generateDataset,
  isClosedDay,
  isoOf,
  SCALES,
  STORE_TYPE_EFFECTS,
  type SyntheticWorld,
} from '../../../pipelines/synthetic/index.js';
import { openKaggleDir, type KaggleDb } from './kaggle-db.js';

// Sales mechanisms measured on the small scale (10 stores of all five formats, 300 items, 2015-06 … 2017-08).
const SEED = 5;
let db: KaggleDb;
let scratch = '';
let world: SyntheticWorld;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'shelfcast-sales-'));
  const dir = join(scratch, 'small');
  await generateDataset({ scale: 'small', seed: SEED, outDir: dir });
  db = await openKaggleDir(dir);
  world = buildWorld(SCALES.small, SEED);
}, 60_000);
afterAll(() => {
  db?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function correlation(x: number[], y: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(x), mean(y)];
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, k) => {
    sxy += (xi - mx) * (y[k] - my);
    sxx += (xi - mx) ** 2;
    syy += (y[k] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('intermittent demand', () => {
  it('sells on about half of the test-grid cells of an open day in 2017, like Kaggle', async () => {
    // Kaggle: 23,808,261 train rows from 2017-01-01 to 2017-08-15 (227 days), about 105k a day, against a test
    // grid of 210,654 store×item cells (54 stores × 3,901 items): about half of the cells sell on a day.
    let openDays = 0;
    for (let day = dayOf('2017-01-01'); day <= world.endDay; day++) if (!isClosedDay(day)) openDays++;
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*) AS n FROM train WHERE date >= DATE '2017-01-01'");
    const share = n / (openDays * world.stores.length * world.testItems.length);
    expect(share).toBeGreaterThan(0.42);
    expect(share).toBeLessThan(0.6);
  });

  it('sells a median of 3–5 units on the rows it writes, with a long tail of big sellers', async () => {
    // Kaggle train rows: median unit_sales 4, mean 8.55, 75th percentile 9.
    const [q] = await db.query<{ median: number; mean: number; p75: number }>(`
      SELECT median(unit_sales) AS median, avg(unit_sales) AS mean, quantile_cont(unit_sales, 0.75) AS p75 FROM train`);
    expect(q.median).toBeGreaterThanOrEqual(3);
    expect(q.median).toBeLessThanOrEqual(5);
    expect(q.mean).toBeGreaterThan(6);
    expect(q.mean).toBeLessThan(12);
    expect(q.p75).toBeGreaterThanOrEqual(7);
    expect(q.p75).toBeLessThanOrEqual(12);
  });

  it('never writes a zero, and writes rows only for carried items in their life time', async () => {
    const [{ zeros }] = await db.query<{ zeros: number }>('SELECT count(*) AS zeros FROM train WHERE unit_sales = 0');
    expect(zeros).toBe(0);
    const pairs = await db.query<{ store_nbr: number; item_nbr: number; first: string; last: string }>(`
      SELECT store_nbr, item_nbr, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last FROM train GROUP BY ALL`);
    const storeIndex = new Map(world.stores.map((s, k) => [s.storeNbr, k]));
    const itemIndex = new Map(world.items.map((it, k) => [it.itemNbr, k]));
    let violations = 0;
    for (const p of pairs) {
      const s = storeIndex.get(p.store_nbr) ?? -1;
      const i = itemIndex.get(p.item_nbr) ?? -1;
      const item = world.items[i];
      const carried = world.assortment.mask[s * world.items.length + i] === 1;
      if (!carried || p.first < isoOf(Math.max(item.launchDay, world.startDay)) || p.last >= isoOf(Math.min(item.stopDay, world.endDay + 1))) violations++;
    }
    expect(violations).toBe(0);
  });
});

describe('item life cycles', () => {
  it('has items that start mid-history (short history) and items that stop before the end', async () => {
    const spans = await db.query<{ item_nbr: number; first: string; last: string }>(`
      SELECT item_nbr, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last FROM train GROUP BY item_nbr`);
    const late = spans.filter((s) => s.first > '2016-01-01');
    const early = spans.filter((s) => s.last < '2017-03-01');
    expect(late.length).toBeGreaterThanOrEqual(0.05 * spans.length);
    expect(early.length).toBeGreaterThanOrEqual(0.02 * spans.length);
    // Launches show up in the data within weeks of the planned date.
    const launched = world.items.filter((it) => it.launchDay > world.startDay + 30 && it.launchDay < world.endDay - 90);
    const firstSale = new Map(spans.map((s) => [s.item_nbr, s.first]));
    const prompt = launched.filter((it) => (firstSale.get(it.itemNbr) ?? '9999') <= isoOf(it.launchDay + 45));
    expect(launched.length).toBeGreaterThan(10);
    expect(prompt.length / launched.length).toBeGreaterThan(0.8);
  });

  it('sells on more cells each year as the assortment grows', async () => {
    // Kaggle train rows per day: 76.6k in 2015, 96.5k in 2016, 105k in 2017 (44.8k in 2013).
    const [r] = await db.query<{ before: number; after: number }>(`
      SELECT count(*) FILTER (WHERE date BETWEEN DATE '2015-06-01' AND DATE '2015-11-30') / 183 AS before,
             count(*) FILTER (WHERE date BETWEEN DATE '2017-02-01' AND DATE '2017-07-31') / 181 AS after
      FROM train`);
    expect(r.after / r.before).toBeGreaterThan(1.15);
    expect(r.after / r.before).toBeLessThan(1.6);
  });
});

describe('stores', () => {
  it('sells more and carries more in large formats, with a cluster effect on top', async () => {
    const rows = await db.query<{ store_nbr: number; type: 'A' | 'B' | 'C' | 'D' | 'E'; cluster: number; per_day: number; items: number }>(`
      SELECT store_nbr, type, cluster, sum(unit_sales) / count(DISTINCT date) AS per_day, count(DISTINCT item_nbr) AS items
      FROM train JOIN stores USING (store_nbr) GROUP BY ALL`);
    const byType = (t: string, key: 'per_day' | 'items') => {
      const v = rows.filter((r) => r.type === t).map((r) => r[key]);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(['A', 'B', 'C', 'D', 'E']));
    expect(byType('A', 'per_day')).toBeGreaterThan(1.4 * byType('D', 'per_day'));
    expect(byType('D', 'per_day')).toBeGreaterThan(byType('B', 'per_day'));
    expect(byType('B', 'per_day')).toBeGreaterThan(byType('C', 'per_day'));
    expect(byType('A', 'items')).toBeGreaterThan(byType('C', 'items'));
    expect(byType('A', 'items')).toBeGreaterThan(byType('E', 'items'));
    // What the format does not explain, the cluster does.
    const residual = rows.map((r) => Math.log(r.per_day / STORE_TYPE_EFFECTS[r.type].volume));
    const cluster = rows.map((r) => Math.log(clusterVolume(SEED, r.cluster)));
    expect(correlation(residual, cluster)).toBeGreaterThan(0.7);
  });

  it('records transactions on exactly the store-days with sales, in proportion to the units sold', async () => {
    const [t] = await db.query<Record<string, number>>(`
      WITH sd AS (SELECT date, store_nbr, sum(unit_sales) AS units FROM train GROUP BY ALL)
      SELECT (SELECT count(*) FROM sd) AS store_days, (SELECT count(*) FROM transactions) AS ticket_rows,
             count(*) AS joined, median(transactions / units) AS tickets_per_unit
      FROM transactions JOIN sd USING (date, store_nbr)`);
    expect(t.ticket_rows).toBe(t.store_days);
    expect(t.joined).toBe(t.store_days);
    expect(t.tickets_per_unit).toBeGreaterThan(0.12);
    expect(t.tickets_per_unit).toBeLessThan(0.35);
    const perStore = await db.query<{ store_nbr: number; c: number }>(`
      WITH sd AS (SELECT date, store_nbr, sum(unit_sales) AS units FROM train GROUP BY ALL)
      SELECT store_nbr, corr(transactions, units) AS c FROM transactions JOIN sd USING (date, store_nbr) GROUP BY store_nbr`);
    for (const s of perStore) expect(s.c, `store ${s.store_nbr}`).toBeGreaterThan(0.8);
  });
});

describe('promotions', () => {
  it('leaves onpromotion empty before the cut-off (start + 60 days) and records it from then on', async () => {
    const [p] = await db.query<Record<string, number | string>>(`
      SELECT max(date) FILTER (WHERE onpromotion IS NULL)::VARCHAR AS last_empty,
             min(date) FILTER (WHERE onpromotion IS NOT NULL)::VARCHAR AS first_flag,
             count(*) FILTER (WHERE onpromotion IS NULL) AS empty,
             avg(onpromotion::INT) AS promoted_share
      FROM train`);
    expect(p).toMatchObject({ last_empty: '2015-07-30', first_flag: '2015-07-31' });
    expect(Number(p.empty)).toBeGreaterThan(1000);
    expect(Number(p.promoted_share)).toBeGreaterThan(0.03);
    expect(Number(p.promoted_share)).toBeLessThan(0.15);
  });

  it('runs campaigns in a subset of stores', async () => {
    const [s] = await db.query<Record<string, number>>(`
      WITH x AS (SELECT date, item_nbr, avg(onpromotion::INT) AS store_share FROM test GROUP BY ALL HAVING bool_or(onpromotion))
      SELECT count(*) AS n, avg(store_share) AS mean_share, count(*) FILTER (WHERE store_share < 1) AS partial FROM x`);
    expect(s.n).toBeGreaterThan(100);
    expect(s.partial / s.n).toBeGreaterThan(0.8);
    expect(s.mean_share).toBeGreaterThan(0.3);
    expect(s.mean_share).toBeLessThan(0.8);
  });

  it('lifts sales by a family-dependent factor', async () => {
    // Well-selling pairs only: for them the mean over sold days tracks the purchase rate.
    const rows = await db.query<{ family: string; pairs: number; uplift: number }>(`
      WITH p AS (
        SELECT store_nbr, item_nbr, family,
               avg(unit_sales) FILTER (WHERE onpromotion) AS promo, avg(unit_sales) FILTER (WHERE NOT onpromotion) AS plain
        FROM train JOIN items USING (item_nbr) WHERE onpromotion IS NOT NULL GROUP BY ALL
        HAVING count(*) FILTER (WHERE onpromotion) >= 3
           AND count(*) >= 0.8 * (SELECT count(DISTINCT date) FROM train WHERE onpromotion IS NOT NULL))
      SELECT family, count(*) AS pairs, exp(avg(ln(promo / plain))) AS uplift FROM p
      WHERE promo > 0 AND plain > 0 GROUP BY family HAVING count(*) >= 6`);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const configured = rows.map((r) => FAMILY_PROFILES.find((f) => f.name === r.family)?.promoUplift ?? Number.NaN);
    expect(correlation(rows.map((r) => r.uplift), configured)).toBeGreaterThan(0.7);
    const uplift = Object.fromEntries(rows.map((r) => [r.family, r.uplift]));
    expect(uplift.BEVERAGES).toBeGreaterThan(1.6);
    expect(uplift.BEVERAGES).toBeGreaterThan(uplift.PRODUCE + 0.25);
  });
});

describe('quantities', () => {
  it('sells weighed families in fractional kilograms (3 decimals) and everything else in whole units', async () => {
    const rows = await db.query<{ weighed: boolean; fractional: number; finer: number }>(`
      SELECT family IN ('PRODUCE', 'MEATS', 'POULTRY', 'SEAFOOD', 'DELI') AS weighed,
             avg((unit_sales <> round(unit_sales))::INT) AS fractional,
             count(*) FILTER (WHERE abs(unit_sales * 1000 - round(unit_sales * 1000)) > 1e-6) AS finer
      FROM train JOIN items USING (item_nbr) GROUP BY ALL`);
    const weighed = rows.find((r) => r.weighed);
    const counted = rows.find((r) => !r.weighed);
    expect(weighed?.fractional).toBeGreaterThan(0.95);
    expect(counted?.fractional).toBe(0);
    expect(weighed?.finer).toBe(0);
  });

  it('has rare returns: 0.01–0.1% of rows are negative', async () => {
    const [r] = await db.query<{ share: number; worst: number; n: number }>(`
      SELECT avg((unit_sales < 0)::INT) AS share, min(unit_sales) AS worst, count(*) FILTER (WHERE unit_sales < 0) AS n FROM train`);
    expect(r.share).toBeGreaterThan(0.0001);
    expect(r.share).toBeLessThan(0.001);
    expect(r.worst).toBeGreaterThanOrEqual(-10);
    expect(r.n).toBeGreaterThan(50);
  });
});
