import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError, UsageError } from '../../../core/errors.js';
import { HORIZON_DAYS, KAGGLE_FILE_KINDS, KAGGLE_SCHEMA } from '../../../pipelines/schema/kaggle-schema.js';
import { generateDataset, type GenerateSummary } from '../../../pipelines/synthetic/index.js';
import { openKaggleDir, type KaggleDb } from './kaggle-db.js';

const scratch = mkdtempSync(join(tmpdir(), 'shelfcast-synthetic-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const KINDS = KAGGLE_FILE_KINDS;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

function digests(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

describe('generateDataset on the tiny scale', () => {
  const dir = join(scratch, 'tiny');
  let summary: GenerateSummary;
  let db: KaggleDb;

  beforeAll(async () => {
    summary = await generateDataset({ scale: 'tiny', seed: 42, outDir: dir, daily: 20 });
    db = await openKaggleDir(dir);
  });
  afterAll(() => db.close());

  it('writes the seven Kaggle files and one drop per day, nothing else', () => {
    const daily = Array.from({ length: 20 }, (_, k) => `daily/train_${new Date(Date.UTC(2017, 7, 16 + k)).toISOString().slice(0, 10)}.csv`);
    expect(listFiles(dir)).toEqual([...KINDS.map((k) => `${k}.csv`), ...daily].sort());
    expect(summary.files.map((f) => f.file).sort()).toEqual(listFiles(dir));
  });

  it('starts every file with the exact Kaggle header, columns in delivery order', () => {
    for (const kind of KINDS) {
      const header = readFileSync(join(dir, `${kind}.csv`), 'utf8').split('\n', 1)[0];
      expect(header, kind).toBe(KAGGLE_SCHEMA[kind].map((c) => c.name).join(','));
    }
    const drop = readFileSync(join(dir, 'daily', 'train_2017-08-16.csv'), 'utf8').split('\n', 1)[0];
    expect(drop).toBe(KAGGLE_SCHEMA.train.map((c) => c.name).join(','));
  });

  it('parses every file with exactly the schema types, with empty values only in nullable columns', async () => {
    for (const kind of KINDS) {
      const described = await db.query<{ column_name: string; column_type: string }>(`DESCRIBE ${kind}`);
      expect(described.map((d) => [d.column_name, d.column_type]), kind).toEqual(KAGGLE_SCHEMA[kind].map((c) => [c.name, c.type]));
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${kind}`);
      expect(n, kind).toBe(summary.files.find((f) => f.file === `${kind}.csv`)?.rows);
      for (const col of KAGGLE_SCHEMA[kind].filter((c) => !c.nullable)) {
        const [{ nulls }] = await db.query<{ nulls: number }>(`SELECT count(*) AS nulls FROM ${kind} WHERE "${col.name}" IS NULL`);
        expect(nulls, `${kind}.${col.name}`).toBe(0);
      }
    }
  });

  it('writes Kaggle formatting: ISO dates, True/False/empty flags, decimals like 7.0 and 2.345', () => {
    const lines = readFileSync(join(dir, 'train.csv'), 'utf8').trimEnd().split('\n').slice(1);
    const pattern = /^\d+,\d{4}-\d{2}-\d{2},\d{1,2},\d{6,7},-?\d+\.\d{1,3},(True|False|)$/;
    expect(lines.filter((l) => !pattern.test(l))).toEqual([]);
    expect(lines.some((l) => /,\d+\.0,/.test(l))).toBe(true);
    expect(lines.some((l) => /,\d+\.\d*[1-9],/.test(l))).toBe(true);
    expect(lines.filter((l) => /\.\d*0,/.test(l) && !/\.0,/.test(l))).toEqual([]);
    const items = readFileSync(join(dir, 'items.csv'), 'utf8');
    expect(items).toContain('"LIQUOR,WINE,BEER"');
  });

  it('keeps train unique per (date, store, item), sorted date-major, with ids 0…n-1 in file order', async () => {
    const [stats] = await db.query<Record<string, number>>(`
      SELECT count(*) AS n, count(DISTINCT (date, store_nbr, item_nbr)) AS keys, min(id) AS lo, max(id) AS hi,
             count(DISTINCT id) AS ids
      FROM train`);
    expect(stats.keys).toBe(stats.n);
    expect(stats).toMatchObject({ lo: 0, hi: stats.n - 1, ids: stats.n });
    const [{ unsorted }] = await db.query<{ unsorted: number }>(`
      SELECT count(*) AS unsorted FROM (
        SELECT id, date, store_nbr, item_nbr,
               lag((date, store_nbr, item_nbr)) OVER (ORDER BY id) AS prev
        FROM train) WHERE prev IS NOT NULL AND prev >= (date, store_nbr, item_nbr)`);
    expect(unsorted).toBe(0);
    expect(summary.train).toMatchObject({ firstDate: '2016-06-01', lastDate: '2017-08-15' });
  });

  it('writes test as the complete store×item grid of the 16 days after the last train day, ids after train', async () => {
    const [t] = await db.query<Record<string, number | string>>(`
      SELECT count(*) AS n, count(DISTINCT date) AS days, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last,
             count(DISTINCT store_nbr) AS stores, count(DISTINCT item_nbr) AS items,
             count(DISTINCT (date, store_nbr, item_nbr)) AS keys, min(id) AS lo, max(id) AS hi,
             count(*) FILTER (WHERE onpromotion IS NULL) AS unknown_promo
      FROM test`);
    expect(t).toMatchObject({ days: HORIZON_DAYS, first: '2017-08-16', last: '2017-08-31', unknown_promo: 0 });
    expect(t.n).toBe(Number(t.stores) * Number(t.items) * HORIZON_DAYS);
    expect(t.keys).toBe(t.n);
    expect(t.lo).toBe(summary.train.rows);
    expect(t.hi).toBe(summary.train.rows + Number(t.n) - 1);
    const [{ missing_stores }] = await db.query<{ missing_stores: number }>(
      'SELECT count(*) AS missing_stores FROM stores WHERE store_nbr NOT IN (SELECT store_nbr FROM test)',
    );
    expect(missing_stores).toBe(0);
    const [{ unknown_items }] = await db.query<{ unknown_items: number }>(
      'SELECT count(*) AS unknown_items FROM (SELECT DISTINCT item_nbr FROM test) WHERE item_nbr NOT IN (SELECT item_nbr FROM items)',
    );
    expect(unknown_items).toBe(0);
    // Items that sold in the last train weeks are still on sale, so they must be in the test grid.
    const [{ recent_missing }] = await db.query<{ recent_missing: number }>(`
      SELECT count(*) AS recent_missing FROM (SELECT DISTINCT item_nbr FROM train WHERE date >= DATE '2017-08-01')
      WHERE item_nbr NOT IN (SELECT item_nbr FROM test)`);
    expect(recent_missing).toBe(0);
  });

  it('writes daily drops for the days after train: train columns, actual sales, the promotion plan of test', async () => {
    const perFile = await db.query<{ filename: string; dates: number; date: string }>(`
      SELECT filename, count(DISTINCT date) AS dates, min(date)::VARCHAR AS date FROM daily GROUP BY filename ORDER BY 3`);
    expect(perFile).toHaveLength(20);
    perFile.forEach((f, k) => {
      expect(f.dates).toBe(1);
      expect(f.filename.endsWith(`train_${f.date}.csv`)).toBe(true);
      expect(new Date(`${f.date}T00:00:00Z`).getTime()).toBe(Date.UTC(2017, 7, 16 + k));
    });
    const [overlap] = await db.query<Record<string, number>>(`
      SELECT count(*) AS rows, count(t.id) AS matched,
             count(*) FILTER (WHERE d.onpromotion IS DISTINCT FROM t.onpromotion) AS promo_mismatch,
             count(*) FILTER (WHERE d.id <> t.id) AS id_mismatch,
             count(*) FILTER (WHERE d.onpromotion) AS promoted
      FROM daily d LEFT JOIN test t USING (date, store_nbr, item_nbr)
      WHERE d.date <= DATE '2017-08-31'`);
    expect(overlap.rows).toBeGreaterThan(100);
    expect(overlap).toMatchObject({ matched: overlap.rows, promo_mismatch: 0, id_mismatch: 0 });
    expect(overlap.promoted).toBeGreaterThan(0);
    const [d] = await db.query<Record<string, number>>(`
      SELECT count(*) AS n, count(DISTINCT id) AS ids, count(DISTINCT (date, store_nbr, item_nbr)) AS keys,
             min(id) AS lo, count(*) FILTER (WHERE onpromotion IS NULL) AS unknown_promo
      FROM daily`);
    expect(d).toMatchObject({ ids: d.n, keys: d.n, unknown_promo: 0 });
    expect(d.lo).toBeGreaterThanOrEqual(summary.train.rows);
    // Sales per store-day carry on at the level of the last train weeks (the drops come from the same process).
    const [level] = await db.query<{ train_mean: number; daily_mean: number }>(`
      SELECT (SELECT sum(unit_sales) / count(DISTINCT date) FROM train WHERE date >= DATE '2017-07-16') AS train_mean,
             (SELECT sum(unit_sales) / count(DISTINCT date) FROM daily) AS daily_mean`);
    expect(level.daily_mean / level.train_mean).toBeGreaterThan(0.8);
    expect(level.daily_mean / level.train_mean).toBeLessThan(1.25);
  });
});

describe('determinism', () => {
  it('writes byte-identical files for the same seed and different data for another seed', async () => {
    const a = join(scratch, 'seed-a');
    const b = join(scratch, 'seed-b');
    const c = join(scratch, 'seed-c');
    await generateDataset({ scale: 'tiny', seed: 7, outDir: a, daily: 3 });
    await generateDataset({ scale: 'tiny', seed: 7, outDir: b, daily: 3 });
    await generateDataset({ scale: 'tiny', seed: 8, outDir: c, daily: 3 });
    const [da, db, dc] = [digests(a), digests(b), digests(c)];
    expect(Object.keys(da)).toHaveLength(10);
    expect(db).toEqual(da);
    for (const file of ['train.csv', 'test.csv', 'items.csv', 'oil.csv', 'transactions.csv', 'daily/train_2017-08-16.csv']) {
      expect(dc[file], file).not.toBe(da[file]);
    }
    // The calendar and the store master are facts, not draws.
    expect(dc['holidays_events.csv']).toBe(da['holidays_events.csv']);
    expect(dc['stores.csv']).toBe(da['stores.csv']);
  });

  it('compresses with --format csv.gz to exactly the csv bytes, reproducibly', async () => {
    const plain = join(scratch, 'plain');
    const zipped = join(scratch, 'zipped');
    const zipped2 = join(scratch, 'zipped2');
    await generateDataset({ scale: 'tiny', seed: 3, outDir: plain, daily: 2 });
    const summary = await generateDataset({ scale: 'tiny', seed: 3, outDir: zipped, daily: 2, format: 'csv.gz' });
    await generateDataset({ scale: 'tiny', seed: 3, outDir: zipped2, daily: 2, format: 'csv.gz' });
    const files = listFiles(zipped);
    expect(files).toEqual(listFiles(plain).map((f) => `${f}.gz`));
    for (const file of files) {
      const unzipped = gunzipSync(readFileSync(join(zipped, file)));
      expect(unzipped.equals(readFileSync(join(plain, file.replace(/\.gz$/, '')))), file).toBe(true);
    }
    expect(digests(zipped2)).toEqual(digests(zipped));
    expect(summary.files.every((f) => f.file.endsWith('.csv.gz'))).toBe(true);
    const db = await openKaggleDir(zipped, '.csv.gz');
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM train');
    db.close();
    expect(n).toBe(summary.train.rows);
  });
});

describe('failures', () => {
  it('leaves no temporary or partial file when a file cannot be put in place', async () => {
    const out = join(scratch, 'blocked');
    mkdirSync(join(out, 'train.csv'), { recursive: true });
    const run = generateDataset({ scale: 'tiny', seed: 1, outDir: out });
    await expect(run).rejects.toThrow(StorageError);
    await expect(run).rejects.toThrow(/train\.csv/);
    expect(readdirSync(out)).toEqual(['train.csv']);
  });

  it('rejects bad options with a UsageError naming the option', async () => {
    const outDir = join(scratch, 'never');
    await expect(generateDataset({ scale: 'huge' as never, seed: 1, outDir })).rejects.toThrow(/unknown scale "huge"/);
    await expect(generateDataset({ scale: 'tiny', seed: -1, outDir })).rejects.toThrow(UsageError);
    await expect(generateDataset({ scale: 'tiny', seed: 1.5, outDir })).rejects.toThrow(/seed must be an integer/);
    await expect(generateDataset({ scale: 'tiny', seed: 1, outDir, daily: 400 })).rejects.toThrow(/daily must be an integer from 0 to 366/);
    expect(() => readdirSync(outDir)).toThrow();
  });
});
