import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDbSession, sqlString } from '../../../core/duckdb-session.js';
import type { StagingTables } from '../../../pipelines/features/staging-tables.js';
import { shiftDay, type NaiveData, type PlanRow, type SaleRow } from './naive-features.js';
import { seededRandom } from '../../support/seeded-random.js';

/** First and last sales day of the fixture: 420 days. */
export const FIRST_DAY = '2016-06-01';
export const LAST_DAY = shiftDay(FIRST_DAY, 419);
/** An origin with labels, 30 days before the end. */
export const TRAIN_ORIGIN = shiftDay(LAST_DAY, -30);
/** The test origin: the day after the last sales day; its future promotions come from the plan. */
export const TEST_ORIGIN = shiftDay(LAST_DAY, 1);
/** An origin whose 16 days straddle the last sales day: promotions from sales, then from the plan. */
export const STRADDLING_ORIGIN = shiftDay(LAST_DAY, -5);
/** Pairs whose only sale is exactly 365 (included) and 366 (excluded) days before TRAIN_ORIGIN. */
export const BOUNDARY_INCLUDED = { store: 1, item: 107 } as const;
export const BOUNDARY_EXCLUDED = { store: 2, item: 107 } as const;

const rng = seededRandom;

/**
 * Three stores, seven items over 420 days, with the edge cases the builder must handle: a pair without sales in
 * the last 75 days before TRAIN_ORIGIN, one whose history starts 100 days before it, one on promotion every day
 * and selling daily, one with mostly returns (negative sales), one whose promotion flag is always empty, rows
 * with zero sales, empty flags early on (as in Kaggle), the two selection-boundary pairs, and a promotion plan
 * that overlaps the last observed days.
 */
export function fixtureData(seed = 11): NaiveData {
  const random = rng(seed);
  const sales: SaleRow[] = [];
  const promoStart = shiftDay(FIRST_DAY, 60);
  for (let d = 0; d < 420; d++) {
    const date = shiftDay(FIRST_DAY, d);
    for (const store of [1, 2, 3]) {
      for (const item of [101, 102, 103, 104, 105, 106]) {
        const pair = `${store}:${item}`;
        let sells = random() < 0.65;
        let promo: boolean | null = date < promoStart || random() < 0.03 ? null : random() < 0.2;
        let amount = Math.round(random() * 200) / 10 + (random() < 0.05 ? 0 : 0.5);
        if (random() < 0.05) amount = -amount;
        if (random() < 0.02) amount = 0;
        if (pair === '1:105' && date >= shiftDay(TRAIN_ORIGIN, -75)) sells = false;
        if (pair === '2:106' && date < shiftDay(TRAIN_ORIGIN, -100)) sells = false;
        if (pair === '3:101' && date >= shiftDay(TRAIN_ORIGIN, -200)) {
          sells = true;
          promo = true;
          amount = Math.abs(amount) + 1;
        }
        if (pair === '3:104' && random() < 0.7) amount = -Math.abs(amount) - 1;
        if (pair === '2:103') promo = null;
        if (sells) sales.push({ date, store, item, sales: amount, promo });
      }
    }
  }
  sales.push({ date: shiftDay(TRAIN_ORIGIN, -365), ...BOUNDARY_INCLUDED, sales: 3, promo: true });
  sales.push({ date: shiftDay(TRAIN_ORIGIN, -366), ...BOUNDARY_EXCLUDED, sales: 4, promo: false });

  // The plan also covers the last three observed days, as a plan published before them would: its flags lose
  // to the sales rows, and give the flags of the cells without a sale.
  const plan: PlanRow[] = [];
  for (let d = -2; d <= 16; d++) {
    const date = shiftDay(LAST_DAY, d);
    for (const store of [1, 2, 3]) {
      for (const item of [101, 102, 103, 104, 105, 106, 107]) {
        if (random() < 0.1) continue;
        plan.push({ date, store, item, promo: random() < 0.05 ? null : random() < 0.3 });
      }
    }
  }
  return {
    sales,
    plan,
    items: [
      { item: 101, family: 'GROCERY I', class: 1093, perishable: 0 },
      { item: 102, family: 'GROCERY I', class: 1093, perishable: 0 },
      { item: 103, family: 'DAIRY', class: 2712, perishable: 1 },
      { item: 104, family: 'BREAD/BAKERY', class: 2712, perishable: 1 },
      { item: 105, family: 'CLEANING', class: 3008, perishable: 0 },
      { item: 106, family: 'PRODUCE', class: 2016, perishable: 1 },
      { item: 107, family: 'BEVERAGES', class: 1120, perishable: 0 },
    ],
    stores: [
      { store: 1, city: 'Quito', state: 'Pichincha', type: 'D', cluster: 13 },
      { store: 2, city: 'Quito', state: 'Pichincha', type: 'A', cluster: 8 },
      { store: 3, city: 'Guayaquil', state: 'Guayas', type: 'B', cluster: 6 },
    ],
  };
}

const bool = (v: boolean | null): string => (v === null ? 'NULL' : String(v));

/**
 * Writes the data as a staged lake under `lakeDir` (staging/train/date=…/data.parquet, staging/test/…,
 * staging/items/data.parquet, staging/stores/data.parquet) with the staging column types, and returns the
 * builder's input for it.
 */
export async function writeStagingLake(lakeDir: string, data: NaiveData): Promise<StagingTables> {
  const staging = join(lakeDir, 'staging');
  const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(lakeDir, '.tmp') });
  try {
    const salesValues = data.sales.map((r, i) => `(${i}, DATE '${r.date}', ${r.store}, ${r.item}, ${r.sales}, ${bool(r.promo)})`);
    await db.run(`CREATE TABLE train AS SELECT id::BIGINT AS id, date, store_nbr::SMALLINT AS store_nbr, item_nbr::INTEGER AS item_nbr,
      unit_sales::DOUBLE AS unit_sales, onpromotion::BOOLEAN AS onpromotion
      FROM (VALUES ${salesValues.join(', ')}) AS v(id, date, store_nbr, item_nbr, unit_sales, onpromotion)`);
    const planValues = data.plan.map((r, i) => `(${i}, DATE '${r.date}', ${r.store}, ${r.item}, ${bool(r.promo)})`);
    await db.run(`CREATE TABLE test AS SELECT id::BIGINT AS id, date, store_nbr::SMALLINT AS store_nbr, item_nbr::INTEGER AS item_nbr,
      onpromotion::BOOLEAN AS onpromotion FROM (VALUES ${planValues.join(', ')}) AS v(id, date, store_nbr, item_nbr, onpromotion)`);
    for (const kind of ['train', 'test']) {
      const dir = join(staging, kind);
      await mkdir(staging, { recursive: true });
      await db.run(
        `COPY (SELECT * FROM ${kind} ORDER BY date, store_nbr, item_nbr) TO ${sqlString(dir)} (FORMAT parquet, PARTITION_BY (date), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'data')`,
      );
      // The staging layout names each partition's file data.parquet.
      for (const part of await readdir(dir)) {
        const [file] = await readdir(join(dir, part));
        await rename(join(dir, part, file), join(dir, part, 'data.parquet'));
      }
    }
    await mkdir(join(staging, 'items'), { recursive: true });
    await mkdir(join(staging, 'stores'), { recursive: true });
    const items = data.items.map((i) => `(${i.item}, ${sqlString(i.family)}, ${i.class}, ${i.perishable})`);
    await db.run(`COPY (SELECT item_nbr::INTEGER AS item_nbr, family::VARCHAR AS family, class::INTEGER AS class, perishable::SMALLINT AS perishable
      FROM (VALUES ${items.join(', ')}) AS v(item_nbr, family, class, perishable)) TO ${sqlString(join(staging, 'items', 'data.parquet'))} (FORMAT parquet)`);
    const stores = data.stores.map((s) => `(${s.store}, ${sqlString(s.city)}, ${sqlString(s.state)}, ${sqlString(s.type)}, ${s.cluster})`);
    await db.run(`COPY (SELECT store_nbr::SMALLINT AS store_nbr, city::VARCHAR AS city, state::VARCHAR AS state, type::VARCHAR AS type, cluster::SMALLINT AS cluster
      FROM (VALUES ${stores.join(', ')}) AS v(store_nbr, city, state, type, cluster)) TO ${sqlString(join(staging, 'stores', 'data.parquet'))} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  return {
    train: join(staging, 'train', 'date=*', 'data.parquet'),
    promotionPlan: join(staging, 'test', 'date=*', 'data.parquet'),
    items: join(staging, 'items', 'data.parquet'),
    stores: join(staging, 'stores', 'data.parquet'),
  };
}
