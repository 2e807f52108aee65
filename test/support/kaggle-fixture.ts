import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDbSession, sqlString } from '../../core/duckdb-session.js';
import { KAGGLE_SCHEMA, type KaggleFileKind } from '../../pipelines/schema/kaggle-schema.js';
import { seededRandom } from './seeded-random.js';

/** A small Kaggle-schema world: rows of every file kind, built in memory from a seed. */
export interface Fixture {
  readonly tables: Record<KaggleFileKind, Row[]>;
}

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface FixtureSpec {
  /** First sales date, YYYY-MM-DD. */
  readonly start: string;
  readonly days: number;
  readonly stores: number;
  readonly items: number;
  readonly seed: number;
  /** Sales dates with no rows at all (25 December never has rows). */
  readonly missingDates?: readonly string[];
  /** onpromotion is empty before this date, as in the early Kaggle years. */
  readonly promoFrom?: string;
}

export const DEFAULT_SPEC: FixtureSpec = { start: '2016-12-20', days: 12, stores: 3, items: 6, seed: 7, promoFrom: '2016-12-23' };

/** The fixtures' seeded PRNG, under the name the ingest tests use. */
export const rng = seededRandom;

/** Adds days to an ISO date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export const storeNbrs = (spec: FixtureSpec): number[] => Array.from({ length: spec.stores }, (_, i) => i + 1);
export const itemNbrs = (spec: FixtureSpec): number[] => Array.from({ length: spec.items }, (_, i) => 103_520 + 7 * i);

/** Builds every table of the fixture. */
export function buildFixture(spec: FixtureSpec = DEFAULT_SPEC): Fixture {
  const rand = rng(spec.seed);
  const stores = storeNbrs(spec);
  const items = itemNbrs(spec);
  const dates = Array.from({ length: spec.days }, (_, i) => addDays(spec.start, i));
  const open = dates.filter((d) => !d.endsWith('-12-25') && !(spec.missingDates ?? []).includes(d));
  const cities = [
    ['Quito', 'Pichincha'],
    ['Guayaquil', 'Guayas'],
    ['Cuenca', 'Azuay'],
  ];
  const train: Row[] = [];
  let id = 0;
  for (const date of open) {
    for (const store of stores) {
      for (const [k, item] of items.entries()) {
        if (rand() < 0.25) continue;
        const r = rand();
        const sales = r < 0.05 ? -1 : k % 2 === 1 ? Math.round(rand() * 20_000) / 1000 : 1 + Math.floor(rand() * 20);
        const promo = spec.promoFrom && date < spec.promoFrom ? null : rand() < 0.2;
        train.push({ id: id++, date, store_nbr: store, item_nbr: item, unit_sales: sales, onpromotion: promo });
      }
    }
  }
  const last = dates[dates.length - 1];
  const test: Row[] = [];
  for (let h = 1; h <= 16; h++) {
    for (const store of stores) for (const item of items) test.push({ id: id++, date: addDays(last, h), store_nbr: store, item_nbr: item, onpromotion: rand() < 0.15 });
  }
  return {
    tables: {
      stores: stores.map((s, i) => ({
        store_nbr: s,
        city: cities[i % cities.length][0],
        state: cities[i % cities.length][1],
        type: 'ABCDE'[i % 5],
        cluster: 1 + (i % 4),
      })),
      items: items.map((item, k) => ({ item_nbr: item, family: ['GROCERY I', 'BEVERAGES', 'PRODUCE'][k % 3], class: 1000 + k, perishable: k % 2 })),
      oil: dates.map((date, i) => ({ date, dcoilwtico: i % 7 === 3 ? null : Math.round((50 + rand() * 5) * 100) / 100 })),
      holidays_events: [
        { date: addDays(spec.start, 5), type: 'Holiday', locale: 'National', locale_name: 'Ecuador', description: 'Navidad', transferred: false },
        { date: addDays(spec.start, 1), type: 'Event', locale: 'Local', locale_name: 'Quito', description: 'Fiesta, local', transferred: false },
      ],
      transactions: open.flatMap((date) => stores.map((s) => ({ date, store_nbr: s, transactions: 500 + Math.floor(rand() * 1000) }))),
      train,
      test,
    },
  };
}

/** Sales rows for one new date after the fixture (a daily drop), with ids after `firstId`. */
export function dropRows(spec: FixtureSpec, date: string, seed: number, firstId: number): Row[] {
  const rand = rng(seed);
  const rows: Row[] = [];
  for (const store of storeNbrs(spec)) {
    for (const item of itemNbrs(spec)) {
      if (rand() < 0.3) continue;
      rows.push({ id: firstId + rows.length, date, store_nbr: store, item_nbr: item, unit_sales: 1 + Math.floor(rand() * 9), onpromotion: rand() < 0.2 });
    }
  }
  return rows;
}

/** Kaggle CSV text for rows of a kind: header in contract order, empty field for null, True/False booleans. */
export function toCsv(kind: KaggleFileKind, rows: readonly Row[]): string {
  const cols = KAGGLE_SCHEMA[kind].map((c) => c.name);
  const cell = (v: Cell): string => {
    if (v === null) return '';
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

export type FixtureFormat = 'csv' | 'csv.gz' | 'parquet';

/** Writes one file of a kind in the given format; returns its path. */
export async function writeKindFile(dir: string, name: string, kind: KaggleFileKind, rows: readonly Row[], format: FixtureFormat = 'csv'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const csv = toCsv(kind, rows);
  const path = join(dir, `${name}.${format}`);
  if (format === 'csv') await writeFile(path, csv);
  else if (format === 'csv.gz') await writeFile(path, gzipSync(csv));
  else await writeParquet(path, kind, csv, dir);
  return path;
}

/** Writes every table of the fixture as `<kind>.<format>` into `dir`. */
export async function writeFixture(dir: string, fixture: Fixture, format: FixtureFormat = 'csv'): Promise<void> {
  for (const [kind, rows] of Object.entries(fixture.tables) as [KaggleFileKind, Row[]][]) await writeKindFile(dir, kind, kind, rows, format);
}

/** Rows per date of a sales table, as the source has them. */
export function rowsPerDate(rows: readonly Row[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(String(r.date), (counts.get(String(r.date)) ?? 0) + 1);
  return counts;
}

async function writeParquet(path: string, kind: KaggleFileKind, csv: string, dir: string): Promise<void> {
  const tmp = `${path}.source.csv`;
  await writeFile(tmp, csv);
  const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(dir, '.duckdb-tmp') });
  try {
    const columns = KAGGLE_SCHEMA[kind].map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
    await db.run(
      `COPY (SELECT * FROM read_csv(${sqlString(tmp)}, header = true, auto_detect = false, columns = {${columns}})) TO ${sqlString(path)} (FORMAT parquet)`,
    );
  } finally {
    db.close();
    await rm(tmp, { force: true });
    await rm(join(dir, '.duckdb-tmp'), { recursive: true, force: true });
  }
}
