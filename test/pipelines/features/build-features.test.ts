import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbSession, sqlString } from '../../../core/duckdb-session.js';
import { DataError, UsageError } from '../../../core/errors.js';
import { buildFeatures, FEATURE_NAMES, LABEL_NAMES, writeFeatures, type FeatureTable } from '../../../pipelines/features/index.js';
import { FeatureRows, SERIES_WIDTH } from '../../../pipelines/features/feature-rows.js';
import { FeatureThreads } from '../../../pipelines/features/feature-threads.js';
import { SeriesGrid } from '../../../pipelines/features/series-grid.js';
import { LAST_DAY, STRADDLING_ORIGIN, TEST_ORIGIN, TRAIN_ORIGIN, writeStagingLake } from './feature-fixture.js';
import { close, featureTestbed } from './feature-testbed.js';
import { naiveFeatureRows, shiftDay, type NaiveRow } from './naive-features.js';

const bed = featureTestbed();

/** Every mismatch between the built table and the reference, as readable lines (empty when they agree). */
function mismatches(table: FeatureTable, expected: NaiveRow[], labels: boolean): string[] {
  const problems: string[] = [];
  const builtPairs = Array.from({ length: table.rows }, (_, r) => `${table.storeNbr[r]}:${table.itemNbr[r]}`);
  const expectedPairs = expected.map((e) => `${e.store}:${e.item}`);
  if (builtPairs.join(',') !== expectedPairs.join(',')) return [`rows: built ${builtPairs.join(',')}, expected ${expectedPairs.join(',')}`];
  const width = table.featureNames.length;
  expected.forEach((row, r) => {
    table.featureNames.forEach((name, c) => {
      const value = table.values[r * width + c];
      if (!close(value, row.features.get(name)!)) problems.push(`${row.store}:${row.item} ${name}: built ${value}, expected ${row.features.get(name)}`);
    });
    if (labels) {
      row.labels.forEach((y, h) => {
        if (!close(table.labels![r * 16 + h], y)) problems.push(`${row.store}:${row.item} y_${h}: built ${table.labels![r * 16 + h]}, expected ${y}`);
      });
      if (table.weight![r] !== row.weight) problems.push(`${row.store}:${row.item} weight: built ${table.weight![r]}, expected ${row.weight}`);
    }
  });
  return problems;
}

describe('buildFeatures against the naive reference', () => {
  it('computes every feature family at all three levels, the labels and the weights at a training origin', async () => {
    const table = await bed.trainOriginTable();
    const expected = naiveFeatureRows(bed.data, TRAIN_ORIGIN);
    expect(table.featureNames).toEqual(FEATURE_NAMES);
    expect(new Set(expected[0].features.keys())).toEqual(new Set(FEATURE_NAMES));
    expect(table.lastObservedDay).toBe(LAST_DAY);
    expect(mismatches(table, expected, true).slice(0, 20)).toEqual([]);

    // The fixture's edge cases are present and really exercise the definitions.
    const row = (store: number, item: number): number => expected.findIndex((e) => e.store === store && e.item === item);
    const value = (store: number, item: number, name: string): number => expected[row(store, item)].features.get(name)!;
    expect(value(1, 105, 'mean_60')).toBe(0); // no sales in the window
    expect(value(1, 105, 'last_sale_60')).toBe(60);
    expect(Number.isNaN(value(1, 105, 'promo_sales_mean_60'))).toBe(true);
    expect(value(2, 106, 'sales_days_140')).toBeLessThanOrEqual(100); // history shorter than 140 days
    expect(value(2, 106, 'sales_days_140')).toBeGreaterThan(0);
    expect(value(3, 101, 'promo_days_140')).toBe(140); // on promotion every day
    expect(Number.isNaN(value(3, 101, 'nopromo_sales_mean_140'))).toBe(true);
    expect(value(2, 103, 'promo_days_140')).toBe(0); // empty flags count as no promotion
    expect(value(1, 101, 'item_promo_sum_140')).toBeGreaterThan(value(1, 101, 'promo_sum_140')); // item level sums stores
    expect(bed.data.sales.some((s) => s.store === 3 && s.item === 104 && s.sales < 0 && s.date < TRAIN_ORIGIN && s.date >= shiftDay(TRAIN_ORIGIN, -14))).toBe(true);
  });

  it('takes future promotions from the plan after the last observed day (test origin)', async () => {
    const table = await buildFeatures(bed.tables(), { origin: TEST_ORIGIN }, bed.deps());
    const expected = naiveFeatureRows(bed.data, TEST_ORIGIN);
    expect(table.labels).toBeUndefined();
    expect(mismatches(table, expected, false).slice(0, 20)).toEqual([]);
    const planned = FEATURE_NAMES.indexOf('promo_p3');
    expect(Array.from({ length: table.rows }, (_, r) => table.values[r * FEATURE_NAMES.length + planned]).some((v) => v > 0)).toBe(true);
  });

  it('switches from sales flags to the plan on the day after the last observed day (straddling origin)', async () => {
    const table = await buildFeatures(bed.tables(), { origin: STRADDLING_ORIGIN }, bed.deps());
    expect(mismatches(table, naiveFeatureRows(bed.data, STRADDLING_ORIGIN), false).slice(0, 20)).toEqual([]);
  });
});

describe('computing on worker threads', () => {
  it('gives the same table, bit for bit, on two threads as on one, labels included', async () => {
    const one = await bed.trainOriginTable();
    const two = await buildFeatures(bed.tables(), { origin: TRAIN_ORIGIN, labels: true }, { ...bed.deps(), parallel: { threads: 2, minRowsPerThread: 1 } });
    expect(two.rows).toBe(one.rows);
    expect(one.rows).toBeGreaterThan(2);
    expect(Buffer.from(two.values.buffer).equals(Buffer.from(one.values.buffer))).toBe(true);
    expect(two.labels).toEqual(one.labels);
    expect(two.values.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('queues jobs given to a busy worker instead of losing one', async () => {
    const keys = { storeNbr: Int32Array.of(1, 1, 2, 2), itemNbr: Int32Array.of(1, 2, 1, 2), classNbr: Int32Array.of(7, 7, 7, 7) };
    const pairs = SeriesGrid.forPairs(4);
    pairs.x.forEach((_, i) => (pairs.x[i] = (i % 11) / 3));
    pairs.p.forEach((_, i) => (pairs.p[i] = i % 5 === 0 ? 1 : 0));
    const one = FeatureThreads.open(4, { threads: 1 });
    const two = FeatureThreads.open(4, { threads: 2, minRowsPerThread: 1 });
    try {
      const expected = await one.levelFeatures(keys, pairs);
      // Both calls give the worker the store-class sum at once; the second must wait for the first, not replace it.
      const [a, b] = await Promise.all([two.levelFeatures(keys, pairs), two.levelFeatures(keys, pairs)]);
      for (const got of [a, b]) expect(got.map((l) => [...l.features])).toEqual(expected.map((l) => [...l.features]));
    } finally {
      one.close();
      two.close();
    }
  });

  it('reports the error of a worker thread instead of hanging', async () => {
    const threads = FeatureThreads.open(2, { threads: 2, minRowsPerThread: 1 });
    try {
      expect(threads.threads).toBe(2);
      // One row: this thread's share is empty and the worker's holds the row, whose level has no rowOf array.
      const keys = { storeNbr: Int32Array.of(1), itemNbr: Int32Array.of(1), classNbr: Int32Array.of(1) };
      const broken = new FeatureRows(keys, SeriesGrid.forPairs(1), new Float32Array(7), [
        { features: new Float32Array(SERIES_WIDTH), rowOf: undefined as unknown as Int32Array },
      ]);
      await expect(threads.fillRows(broken, new Float32Array(broken.width))).rejects.toThrow(/undefined/);
    } finally {
      threads.close();
    }
  });
});

describe('category codes', () => {
  it('codes text attributes by the given vocabularies, NaN for values they do not know', async () => {
    const categories = { family: ['PRODUCE', 'DAIRY'], city: ['Quito'], state: ['Guayas', 'Pichincha'], type: ['D', 'B', 'A'] };
    const table = await buildFeatures(bed.tables(), { origin: TRAIN_ORIGIN, categories }, bed.deps());
    expect(table.categories).toEqual(categories);
    const code = (store: number, item: number, name: string): number => {
      const row = Array.from(table.storeNbr).findIndex((s, i) => s === store && table.itemNbr[i] === item);
      return table.values[row * FEATURE_NAMES.length + FEATURE_NAMES.indexOf(name)];
    };
    expect([code(1, 106, 'family'), code(1, 103, 'family'), code(1, 101, 'family')]).toEqual([0, 1, NaN]);
    expect([code(1, 101, 'city'), code(3, 101, 'city')]).toEqual([0, NaN]);
    expect([code(1, 101, 'state'), code(3, 101, 'state'), code(1, 101, 'type'), code(2, 101, 'type'), code(3, 101, 'type')]).toEqual([1, 0, 0, 2, 1]);
    // Numeric attributes keep their values.
    expect([code(3, 101, 'class'), code(3, 101, 'perishable'), code(3, 101, 'cluster')]).toEqual([1093, 0, 6]);
  });

  it('derives the vocabularies from the sorted values of the reference tables by default', async () => {
    const table = await bed.trainOriginTable();
    expect(table.categories).toEqual({
      family: ['BEVERAGES', 'BREAD/BAKERY', 'CLEANING', 'DAIRY', 'GROCERY I', 'PRODUCE'],
      city: ['Guayaquil', 'Quito'],
      state: ['Guayas', 'Pichincha'],
      type: ['A', 'B', 'D'],
    });
  });
});

describe('origin and input checks', () => {
  it('refuses an origin more than one day after the last observed day', async () => {
    const late = shiftDay(LAST_DAY, 2);
    await expect(buildFeatures(bed.tables(), { origin: late }, bed.deps())).rejects.toThrow(UsageError);
    await expect(buildFeatures(bed.tables(), { origin: late }, bed.deps())).rejects.toThrow(`origin ${late} is after ${TEST_ORIGIN}`);
  });

  it('refuses labels that would reach past the last observed day', async () => {
    await expect(buildFeatures(bed.tables(), { origin: STRADDLING_ORIGIN, labels: true }, bed.deps())).rejects.toThrow(
      `labels at origin ${STRADDLING_ORIGIN} need sales up to ${shiftDay(STRADDLING_ORIGIN, 15)}, but the last observed day is ${LAST_DAY}`,
    );
  });

  it('refuses a malformed origin', async () => {
    await expect(buildFeatures(bed.tables(), { origin: '2017-02-30' }, bed.deps())).rejects.toThrow(UsageError);
  });

  it('names the items file when a sold item is missing from it', async () => {
    const lake = await bed.dirs.make('features-missing-item');
    const staged = await writeStagingLake(lake, { ...bed.data, items: bed.data.items.filter((i) => i.item !== 104) });
    const error = await buildFeatures(staged, { origin: TRAIN_ORIGIN }, bed.deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(`${staged.items}, column item_nbr: 1 item_nbr value(s) with sales are missing from items, e.g. 104`);
  });

  it('reports an origin without any sales in its year', async () => {
    const error = await buildFeatures(bed.tables(), { origin: shiftDay(bed.data.sales[0].date, -400) }, bed.deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/^no store×item pair has a train row between/);
  });
});

describe('writeFeatures', () => {
  it('writes Parquet and CSV with the in-memory values, in key order, and leaves no partial file', async () => {
    const out = await bed.dirs.make('features-out');
    const memory = await bed.trainOriginTable();
    const parquet = await writeFeatures(bed.tables(), { origin: TRAIN_ORIGIN, labels: true }, join(out, 'f.parquet'), bed.deps());
    const csv = await writeFeatures(bed.tables(), { origin: TRAIN_ORIGIN, labels: true }, join(out, 'f.csv'), bed.deps());
    expect(parquet).toMatchObject({ format: 'parquet', rows: memory.rows, columns: 2 + FEATURE_NAMES.length + 17, lastObservedDay: LAST_DAY });
    expect(csv.format).toBe('csv');
    expect(readdirSync(out).sort()).toEqual(['f.csv', 'f.parquet']);

    const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(out, '.tmp') });
    try {
      for (const [file, reader] of [
        [parquet.path, 'read_parquet'],
        [csv.path, 'read_csv_auto'],
      ] as const) {
        const columns = (await db.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${reader}(${sqlString(file)})`)).map((c) => c.column_name);
        expect(columns).toEqual(['store_nbr', 'item_nbr', ...FEATURE_NAMES, ...LABEL_NAMES, 'weight']);
        const rows = await db.rows<{ store_nbr: number; item_nbr: number; mean_14: number; item_decay_60: number; promo_sales_mean_3: number | null; y_5: number }>(
          `SELECT store_nbr, item_nbr, mean_14, item_decay_60, promo_sales_mean_3, y_5 FROM ${reader}(${sqlString(file)})`,
        );
        expect(rows.map((r) => `${r.store_nbr}:${r.item_nbr}`)).toEqual(Array.from({ length: memory.rows }, (_, i) => `${memory.storeNbr[i]}:${memory.itemNbr[i]}`));
        const at = (r: number, name: string): number => memory.values[r * FEATURE_NAMES.length + FEATURE_NAMES.indexOf(name)];
        rows.forEach((r, i) => {
          expect(close(r.mean_14, at(i, 'mean_14'))).toBe(true);
          expect(close(r.item_decay_60, at(i, 'item_decay_60'))).toBe(true);
          // An empty mean is NULL in files and NaN in memory.
          expect(close(at(i, 'promo_sales_mean_3'), r.promo_sales_mean_3 ?? NaN)).toBe(true);
          expect(close(r.y_5, memory.labels![i * 16 + 5])).toBe(true);
        });
      }
    } finally {
      db.close();
    }
  });

  it('refuses an output name that is neither .parquet nor .csv before building', async () => {
    const out = await bed.dirs.make('features-bad-out');
    await expect(writeFeatures(bed.tables(), { origin: TRAIN_ORIGIN }, join(out, 'f.json'), bed.deps())).rejects.toThrow(
      `--out ${join(out, 'f.json')}: expected a file name ending in .parquet or .csv`,
    );
    expect(existsSync(join(out, 'f.json'))).toBe(false);
  });
});
