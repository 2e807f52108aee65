import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../pipelines/synthetic/index.js';
import { openKaggleDir, type KaggleDb } from './kaggle-db.js';

// Calendar effects measured on the small scale (10 stores in 6 cities, two Decembers).
let db: KaggleDb;
let scratch = '';

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'shelfcast-calendar-'));
  const dir = join(scratch, 'small');
  await generateDataset({ scale: 'small', seed: 11, outDir: dir });
  db = await openKaggleDir(dir);
  // Store-day totals, and each one relative to the same weekday 1–4 weeks around it on ordinary days.
  await db.query('CREATE TABLE store_day AS SELECT date, store_nbr, sum(unit_sales) AS units FROM train GROUP BY ALL');
  await db.query(`
    CREATE TABLE store_holiday AS
    SELECT DISTINCT h.date, s.store_nbr, h.type, h.locale, h.transferred
    FROM holidays_events h JOIN stores s
      ON h.locale = 'National' OR (h.locale = 'Regional' AND h.locale_name = s.state) OR (h.locale = 'Local' AND h.locale_name = s.city)`);
  await db.query(`
    CREATE TABLE relative AS
    SELECT a.date, a.store_nbr, a.units / avg(b.units) AS ratio
    FROM store_day a JOIN store_day b
      ON a.store_nbr = b.store_nbr AND dayofweek(a.date) = dayofweek(b.date) AND abs(a.date - b.date) BETWEEN 7 AND 28
    WHERE (b.date, b.store_nbr) NOT IN (SELECT (date, store_nbr) FROM store_holiday WHERE NOT transferred)
      AND NOT (month(b.date) = 12 AND day(b.date) >= 10) AND NOT (month(b.date) = 1 AND day(b.date) <= 10)
    GROUP BY a.date, a.store_nbr, a.units`);
}, 60_000);
afterAll(() => {
  db?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('weekly pattern', () => {
  it('peaks at weekends, far more for beverages and liquor than for cleaning and home care', async () => {
    const rows = await db.query<{ family: string; ratio: number }>(`
      WITH d AS (SELECT date, family, sum(unit_sales) AS units FROM train JOIN items USING (item_nbr) GROUP BY ALL)
      SELECT family, avg(units) FILTER (WHERE dayofweek(date) IN (0, 6)) / avg(units) FILTER (WHERE dayofweek(date) BETWEEN 1 AND 4) AS ratio
      FROM d GROUP BY family`);
    const ratio = Object.fromEntries(rows.map((r) => [r.family, r.ratio]));
    expect(ratio.BEVERAGES).toBeGreaterThan(1.45);
    expect(ratio['LIQUOR,WINE,BEER']).toBeGreaterThan(1.5);
    expect(ratio.CLEANING).toBeLessThan(1.25);
    expect(ratio['HOME CARE']).toBeLessThan(1.25);
    expect(ratio.CLEANING).toBeGreaterThan(0.95);
    expect(ratio.BEVERAGES - ratio.CLEANING).toBeGreaterThan(0.3);
  });
});

describe('December', () => {
  it('is the strongest month of its year, ramping up week by week to a peak just before Christmas', async () => {
    // Within a year: sales grow from year to year (Kaggle: 76.6k train rows a day in 2015, 96.5k in 2016), so
    // months pooled over years would mix the season with the growth.
    const months = await db.query<{ y: number; m: number; units: number }>(`
      SELECT year(date) AS y, month(date) AS m, avg(units) AS units
      FROM (SELECT date, sum(units) AS units FROM store_day GROUP BY date) GROUP BY ALL ORDER BY y, units DESC`);
    for (const year of [2015, 2016]) {
      const ranked = months.filter((r) => r.y === year);
      expect(ranked[0].m, String(year)).toBe(12);
      expect(ranked[0].units / ranked[1].units, String(year)).toBeGreaterThan(1.1);
    }

    const weeks = await db.query<{ y: number; w: number; units: number; top: number }>(`
      WITH d AS (SELECT date, sum(units) AS units FROM store_day WHERE month(date) = 12 GROUP BY date)
      SELECT year(date) AS y, CASE WHEN day(date) <= 7 THEN 1 WHEN day(date) <= 14 THEN 2 WHEN day(date) <= 21 THEN 3 ELSE 4 END AS w,
             avg(units) AS units
      FROM d WHERE day(date) <= 24 GROUP BY ALL ORDER BY y, w`);
    expect(weeks).toHaveLength(8);
    for (const year of [2015, 2016]) {
      const w = weeks.filter((r) => r.y === year).map((r) => r.units);
      expect(w[1], `${year} week 2`).toBeGreaterThan(w[0]);
      expect(w[2] / w[0], `${year} week 3 / week 1`).toBeGreaterThan(1.2);
      expect(w[3] / w[0], `${year} Dec 22-24 / week 1`).toBeGreaterThan(1.4);
    }
    const peaks = await db.query<{ y: number; top: number }>(`
      SELECT year(date) AS y, arg_max(day(date), units) AS top
      FROM (SELECT date, sum(units) AS units FROM store_day WHERE month(date) = 12 GROUP BY date) GROUP BY y ORDER BY y`);
    for (const p of peaks) expect(p.top, String(p.y)).toBeGreaterThanOrEqual(18);
    for (const p of peaks) expect(p.top, String(p.y)).toBeLessThanOrEqual(24);
  });
});

describe('holidays', () => {
  it('writes an Ecuador-like calendar with every row type, transfers, and every store city and province', async () => {
    const types = await db.query<{ type: string }>('SELECT DISTINCT type FROM holidays_events ORDER BY type');
    expect(types.map((t) => t.type)).toEqual(['Additional', 'Bridge', 'Event', 'Holiday', 'Transfer', 'Work Day']);
    const [{ transferred }] = await db.query<{ transferred: number }>('SELECT count(*) AS transferred FROM holidays_events WHERE transferred');
    expect(transferred).toBeGreaterThan(0);
    const [{ uncovered }] = await db.query<{ uncovered: number }>(`
      SELECT count(*) AS uncovered FROM stores s
      WHERE NOT EXISTS (SELECT 1 FROM holidays_events h WHERE h.locale = 'Local' AND h.locale_name = s.city)
         OR NOT EXISTS (SELECT 1 FROM holidays_events h WHERE h.locale = 'Regional' AND h.locale_name = s.state)`);
    expect(uncovered).toBe(0);
    const national = await db.query<{ d: string; description: string }>(`
      SELECT date::VARCHAR AS d, description FROM holidays_events WHERE locale = 'National' AND year(date) = 2016 AND type = 'Holiday'`);
    const has = (d: string, text: string) => national.some((r) => r.d === d && r.description === text);
    expect(has('2016-01-01', 'Primer dia del ano')).toBe(true);
    expect(has('2016-02-08', 'Carnaval') && has('2016-02-09', 'Carnaval')).toBe(true);
    expect(has('2016-03-25', 'Viernes Santo')).toBe(true);
    expect(has('2016-05-24', 'Batalla de Pichincha')).toBe(true);
    expect(has('2016-11-02', 'Dia de Difuntos') && has('2016-11-03', 'Independencia de Cuenca')).toBe(true);
    expect(has('2016-12-25', 'Navidad')).toBe(true);
  });

  it('lifts sales on national holidays, and not on the official date of a transferred one', async () => {
    const rows = await db.query<{ type: string; transferred: boolean; ratio: number; n: number }>(`
      SELECT h.type, h.transferred, avg(r.ratio) AS ratio, count(*) AS n
      FROM store_holiday h JOIN relative r USING (date, store_nbr)
      WHERE h.locale = 'National' AND month(h.date) NOT IN (12, 1) AND h.type IN ('Holiday', 'Transfer', 'Work Day')
      GROUP BY ALL`);
    const get = (type: string, transferred: boolean) => rows.find((r) => r.type === type && r.transferred === transferred);
    expect(get('Holiday', false)?.ratio).toBeGreaterThan(1.18);
    expect(get('Transfer', false)?.ratio).toBeGreaterThan(1.15);
    expect(get('Holiday', true)?.ratio).toBeGreaterThan(0.88);
    expect(get('Holiday', true)?.ratio).toBeLessThan(1.08);
    expect(get('Work Day', false)?.ratio).toBeLessThan(0.97);
  });

  it('lifts sales in the stores of the holiday city or province only', async () => {
    const rows = await db.query<{ locale: string; affected: number; others: number; n: number }>(`
      WITH hit AS (
        SELECT DISTINCT date, store_nbr, locale FROM store_holiday
        WHERE locale <> 'National' AND type = 'Holiday' AND NOT transferred
          AND date NOT IN (SELECT date FROM store_holiday WHERE locale = 'National' AND NOT transferred))
      SELECT h.locale, count(*) AS n, avg(r.ratio) AS affected,
             avg((SELECT avg(o.ratio) FROM relative o WHERE o.date = h.date AND o.store_nbr <> h.store_nbr
                    AND (o.date, o.store_nbr) NOT IN (SELECT (date, store_nbr) FROM hit))) AS others
      FROM hit h JOIN relative r USING (date, store_nbr) GROUP BY h.locale`);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.n, r.locale).toBeGreaterThanOrEqual(10);
      expect(r.affected, r.locale).toBeGreaterThan(1.15);
      expect(Math.abs(r.others - 1), r.locale).toBeLessThan(0.08);
    }
  });

  it('closes every store on January 1 and December 25: no sales rows, no transactions', async () => {
    const [closed] = await db.query<Record<string, number>>(`
      SELECT (SELECT count(*) FROM train WHERE strftime(date, '%m-%d') IN ('01-01', '12-25')) AS train_rows,
             (SELECT count(*) FROM transactions WHERE strftime(date, '%m-%d') IN ('01-01', '12-25')) AS ticket_rows,
             (SELECT count(*) FROM train WHERE strftime(date, '%m-%d') IN ('12-24', '12-26', '01-02')) AS neighbours`);
    expect(closed).toMatchObject({ train_rows: 0, ticket_rows: 0 });
    expect(closed.neighbours).toBeGreaterThan(0);
  });
});

describe('oil', () => {
  it('lists weekday prices only, over the train and test period, with a few empty values', async () => {
    const [o] = await db.query<Record<string, number | string>>(`
      SELECT count(*) AS n, count(*) FILTER (WHERE dayofweek(date) IN (0, 6)) AS weekend,
             count(*) FILTER (WHERE dcoilwtico IS NULL) AS empty, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last,
             count(DISTINCT date) AS days, min(dcoilwtico) AS lo, max(dcoilwtico) AS hi
      FROM oil`);
    expect(o).toMatchObject({ weekend: 0, first: '2015-06-01', last: '2017-08-31', days: o.n });
    expect(Number(o.empty)).toBeGreaterThanOrEqual(3);
    expect(Number(o.empty)).toBeLessThan(0.03 * Number(o.n));
    expect(Number(o.lo)).toBeGreaterThan(15);
    expect(Number(o.hi)).toBeLessThan(90);
  });
});
