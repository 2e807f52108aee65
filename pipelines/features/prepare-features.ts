import { readColumn } from '../../core/duckdb-columns.js';
import { sqlIdent, sqlString, type DuckDbSession } from '../../core/duckdb-session.js';
import { DataError, ShelfcastError, UsageError } from '../../core/errors.js';
import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { FIRST_OFFSET, LAST_OFFSET } from './grid-days.js';
import type { PairKeys } from './feature-rows.js';
import { ATTRIBUTES, SELECTION_DAYS, TEXT_ATTRIBUTES, type Attribute, type TextAttribute } from './feature-spec.js';
import type { CategoryCodes } from './feature-table.js';
import { addDays, isIsoDate } from './iso-date.js';
import { loadSeriesGrid, type SeriesGrid } from './series-grid.js';
import type { StagingTables } from './staging-tables.js';

/** What to build. */
export interface FeatureParams {
  /** The origin t (first forecast day), `YYYY-MM-DD`. */
  readonly origin: string;
  /** Add labels y_0 … y_15 and the weight; needs sales up to t+15. */
  readonly labels?: boolean;
  /** Codes of the text attributes; by default derived from the reference tables. */
  readonly categories?: CategoryCodes;
}

/** What the features of one origin are computed from (feature-threads.ts, FeatureRows), and what describes them. */
export interface PreparedFeatures {
  readonly rows: number;
  readonly lastObservedDay: string;
  readonly categories: CategoryCodes;
  /** The selected pairs, by `sid`. */
  readonly keys: PairKeys;
  /** Their day grid. */
  readonly pairs: SeriesGrid;
  /** Their attributes, rows × ATTRIBUTES.length, NaN where a text value has no code. */
  readonly attributes: Float32Array;
}

/** Reports the end of each step of a build. */
export type StepListener = (step: string, detail?: Record<string, number | string>) => void;

/** What a build learns before loading the day grid: how many rows the table will have. */
export type PairsListener = (rows: number) => void;

/**
 * Prepares the feature table of one origin: selects the store×item pairs (`sid` numbering them in (store_nbr,
 * item_nbr) order) and loads their day grid and attributes from the staged files with `db`; the features
 * themselves are computed in memory from that grid (FeatureThreads, FeatureRows).
 */
export async function prepareFeatures(
  db: DuckDbSession,
  tables: StagingTables,
  params: FeatureParams,
  onStep: StepListener = () => {},
  onPairs: PairsListener = () => {},
): Promise<PreparedFeatures> {
  const t = params.origin;
  if (!isIsoDate(t)) throw new UsageError(`origin ${JSON.stringify(t)} is not a date: expected YYYY-MM-DD`);
  const day = (offset: number): string => `DATE ${sqlString(addDays(t, offset))}`;
  const labels = Boolean(params.labels);

  await createInputViews(db, tables);
  // The sales and plan rows of days first … last: the files of those days only, where the files' days are known.
  const daysBetween = (first: number, last: number) => ({ from: addDays(t, first), to: addDays(t, last) });
  const salesOf = (first: number, last: number): string => filesOfDays('train', tables.train, tables.trainDays, daysBetween(first, last));
  const planOf = (first: number, last: number): string => filesOfDays('plan', tables.promotionPlan, tables.promotionPlanDays, daysBetween(first, last));
  const lastObservedDay = await lastSalesDay(db, tables);
  checkOrigin(t, lastObservedDay, labels);

  await db.run(`CREATE TABLE series AS
    SELECT (row_number() OVER (ORDER BY store_nbr, item_nbr) - 1)::INTEGER AS sid, store_nbr::INTEGER AS store_nbr, item_nbr::INTEGER AS item_nbr
    FROM (SELECT DISTINCT store_nbr, item_nbr FROM ${salesOf(-SELECTION_DAYS, -1)} WHERE date BETWEEN ${day(-SELECTION_DAYS)} AND ${day(-1)})`);
  await checkReferences(db, tables);
  const keys = await readPairKeys(db);
  const rows = keys.storeNbr.length;
  if (rows === 0) {
    throw new DataError(`no store×item pair has a train row between ${addDays(t, -SELECTION_DAYS)} and ${addDays(t, -1)}: nothing to build at origin ${t}`);
  }
  onStep('select pairs', { pairs: rows, lastObservedDay });
  onPairs(rows);

  // Sales on and after the origin only become labels (grid-days.ts). A cell's promotion flag comes from its
  // sales row; a cell without one (no sale that day) takes the flag of the plan where a plan covers the day. The
  // Kaggle files have plans only for the days after the last observed day; a lake that also holds the plans of
  // past days (a retailer's promotion calendar) gives past unsold cells their flags too, so that a promotion
  // flag means the same at training origins as at the test origin.
  const [{ pastPlanDays }] = await db.rows<{ pastPlanDays: number }>(
    `SELECT count(DISTINCT date)::INTEGER AS "pastPlanDays" FROM plan WHERE date <= DATE ${sqlString(lastObservedDay)} AND date BETWEEN ${day(FIRST_OFFSET)} AND ${day(LAST_OFFSET)}`,
  );
  const cellsOf = ([first, last]: readonly [number, number]): string => {
    const inRange = (column: string): string => `${column} BETWEEN ${day(first)} AND ${day(last)}`;
    const salesCells = `
    SELECT s.sid, (r.date - ${day(0)})::INTEGER AS d, ln(1 + greatest(r.unit_sales, 0))::DOUBLE AS x, CASE WHEN r.onpromotion THEN 1 ELSE 0 END::FLOAT AS p, true AS sold
    FROM ${salesOf(first, last)} r JOIN series s ON s.store_nbr = r.store_nbr AND s.item_nbr = r.item_nbr
    WHERE ${inRange('r.date')}`;
    const planCells = (after: string): string => `
    SELECT s.sid, (q.date - ${day(0)})::INTEGER, 0::DOUBLE, CASE WHEN q.onpromotion THEN 1 ELSE 0 END::FLOAT, false
    FROM ${planOf(first, last)} q JOIN series s ON s.store_nbr = q.store_nbr AND s.item_nbr = q.item_nbr
    WHERE ${inRange('q.date')}${after}`;
    // Without past plans no cell has both a sales row and a plan row, and the union needs no grouping.
    return pastPlanDays === 0
      ? `SELECT sid, d, x, p FROM (${salesCells} UNION ALL ${planCells(` AND q.date > DATE ${sqlString(lastObservedDay)}`)})`
      : `SELECT sid, d, sum(x)::DOUBLE AS x, coalesce(max(p) FILTER (WHERE sold), max(p))::FLOAT AS p
         FROM (${salesCells} UNION ALL ${planCells('')}) GROUP BY sid, d`;
  };
  const grid = await loadSeriesGrid(db, dayRanges(FIRST_OFFSET, LAST_OFFSET, GRID_SLICE_DAYS).map(cellsOf), rows);
  onStep('day grid');

  const categories = await createCategoryCodes(db, params.categories);
  const attributes = await readAttributes(db, rows);
  onStep('attributes');
  return { rows, lastObservedDay, categories, keys, pairs: grid, attributes };
}

/** Days of the grid one cell query covers: a few weeks keep each result small (see loadSeriesGrid). */
const GRID_SLICE_DAYS = 21;

/** Consecutive ranges [first, last] of at most `days` days covering first … last. */
function dayRanges(first: number, last: number, days: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let from = first; from <= last; from += days) ranges.push([from, Math.min(from + days - 1, last)]);
  return ranges;
}

/** The selected pairs' keys in `sid` order. */
async function readPairKeys(db: DuckDbSession): Promise<PairKeys> {
  const [{ n }] = await db.rows<{ n: string }>('SELECT count(*) AS n FROM series');
  const keys = { storeNbr: new Int32Array(Number(n)), itemNbr: new Int32Array(Number(n)), classNbr: new Int32Array(Number(n)) };
  let at = 0;
  const sql = 'SELECT s.store_nbr, s.item_nbr, i.class::INTEGER FROM series s JOIN items i USING (item_nbr) ORDER BY s.sid';
  for await (const chunk of db.chunks(sql)) {
    readColumn(chunk, 0, 'int32', keys.storeNbr, at);
    readColumn(chunk, 1, 'int32', keys.itemNbr, at);
    readColumn(chunk, 2, 'int32', keys.classNbr, at);
    at += chunk.rowCount;
  }
  return keys;
}

/** Where an attribute's value comes from in the attribute query. */
const ATTRIBUTE_SOURCE: Readonly<Record<Attribute, string>> = {
  family: 'c_family.code',
  class: 'i.class',
  perishable: 'i.perishable',
  city: 'c_city.code',
  state: 'c_state.code',
  type: 'c_type.code',
  cluster: 'st.cluster',
};

/** The pairs' attributes, rows × ATTRIBUTES.length in `sid` order; NaN where a text value has no code. */
async function readAttributes(db: DuckDbSession, rows: number): Promise<Float32Array> {
  const width = ATTRIBUTES.length;
  const attributes = new Float32Array(rows * width);
  const column = new Float32Array(2048);
  const sql = `SELECT ${ATTRIBUTES.map((a) => `coalesce(CAST(${ATTRIBUTE_SOURCE[a]} AS FLOAT), 'NaN'::FLOAT)`).join(', ')}
FROM series s
JOIN items i ON i.item_nbr = s.item_nbr
JOIN stores st ON st.store_nbr = s.store_nbr
LEFT JOIN codes_family c_family ON c_family.value = i.family
LEFT JOIN codes_city c_city ON c_city.value = st.city
LEFT JOIN codes_state c_state ON c_state.value = st.state
LEFT JOIN codes_type c_type ON c_type.value = st.type
ORDER BY s.sid`;
  let first = 0;
  for await (const chunk of db.chunks(sql)) {
    const n = chunk.rowCount;
    for (let a = 0; a < width; a++) {
      readColumn(chunk, a, 'float32', column);
      for (let r = 0; r < n; r++) attributes[(first + r) * width + a] = column[r];
    }
    first += n;
  }
  if (first !== rows) throw new ShelfcastError('INTERNAL', `the attribute query returned ${first} rows for ${rows} store×item pairs`);
  return attributes;
}

/** A relation over Parquet files; a list may be empty (zero rows with the staging columns). */
function parquetRelation(files: string | readonly string[] | undefined, emptyColumns: string): string {
  const list = typeof files === 'string' ? [files] : (files ?? []);
  if (list.length === 0) return `SELECT ${emptyColumns} WHERE false`;
  return `SELECT * FROM read_parquet([${list.map(sqlString).join(', ')}], hive_partitioning = false)`;
}

/** Columns of the sales and plan views, and their types when a relation has no file. */
const SALES_COLUMNS = 'NULL::DATE AS date, NULL::SMALLINT AS store_nbr, NULL::INTEGER AS item_nbr, NULL::DOUBLE AS unit_sales, NULL::BOOLEAN AS onpromotion';
const PLAN_COLUMNS = 'NULL::DATE AS date, NULL::SMALLINT AS store_nbr, NULL::INTEGER AS item_nbr, NULL::BOOLEAN AS onpromotion';

async function createInputViews(db: DuckDbSession, tables: StagingTables): Promise<void> {
  await db.run(`CREATE VIEW train AS SELECT date, store_nbr, item_nbr, unit_sales, onpromotion FROM (${parquetRelation(tables.train, SALES_COLUMNS)})`);
  await db.run(`CREATE VIEW plan AS SELECT date, store_nbr, item_nbr, onpromotion FROM (${parquetRelation(tables.promotionPlan, PLAN_COLUMNS)})`);
  await db.run(`CREATE VIEW items AS SELECT item_nbr, family, class, perishable FROM read_parquet(${sqlString(tables.items)})`);
  await db.run(`CREATE VIEW stores AS SELECT store_nbr, city, state, type, cluster FROM read_parquet(${sqlString(tables.stores)})`);
}

/**
 * A relation for the rows of `view` between two days: the view itself, or, when the day of each file is known,
 * only the files of those days (each query then opens a few files instead of all of them). Rows still need the
 * caller's date filter.
 */
function filesOfDays(
  view: 'train' | 'plan',
  files: string | readonly string[] | undefined,
  days: readonly string[] | undefined,
  range: { readonly from: string; readonly to: string },
): string {
  if (typeof files === 'string' || files === undefined || days === undefined || days.length !== files.length) return view;
  const chosen = files.filter((_, i) => days[i] >= range.from && days[i] <= range.to);
  const columns = view === 'train' ? 'date, store_nbr, item_nbr, unit_sales, onpromotion' : 'date, store_nbr, item_nbr, onpromotion';
  return `(SELECT ${columns} FROM (${parquetRelation(chosen, view === 'train' ? SALES_COLUMNS : PLAN_COLUMNS)}))`;
}

async function lastSalesDay(db: DuckDbSession, tables: StagingTables): Promise<string> {
  const latest = (await db.rows<{ last: string | null }>('SELECT max(date)::VARCHAR AS last FROM train'))[0].last;
  if (!latest) throw new DataError('the staged sales hold no rows', { file: describeFiles(tables.train) });
  const declared = tables.lastObservedDay;
  if (declared === undefined) return latest;
  if (latest > declared) {
    throw new DataError(`the staged sales hold ${latest}, after the declared last observed day ${declared}`, { file: describeFiles(tables.train) });
  }
  return declared;
}

function checkOrigin(origin: string, lastObservedDay: string, labels: boolean): void {
  const firstUnknown = addDays(lastObservedDay, 1);
  if (origin > firstUnknown) {
    throw new UsageError(
      `origin ${origin} is after ${firstUnknown}, the day after the last observed day: features at t need sales up to t−1`,
    );
  }
  const lastLabel = addDays(origin, HORIZON_DAYS - 1);
  if (labels && lastLabel > lastObservedDay) {
    throw new UsageError(
      `labels at origin ${origin} need sales up to ${lastLabel}, but the last observed day is ${lastObservedDay}; the latest origin with labels is ${addDays(lastObservedDay, 1 - HORIZON_DAYS)}`,
    );
  }
}

/** Every selected pair needs exactly one row in items and in stores, or its attributes and levels are wrong. */
async function checkReferences(db: DuckDbSession, tables: StagingTables): Promise<void> {
  for (const [table, key, file] of [
    ['items', 'item_nbr', tables.items],
    ['stores', 'store_nbr', tables.stores],
  ] as const) {
    const [dup] = await db.rows<{ k: number }>(`SELECT ${key} AS k FROM ${table} GROUP BY ${key} HAVING count(*) > 1 ORDER BY ${key} LIMIT 1`);
    if (dup) throw new DataError(`${key} ${dup.k} appears more than once`, { file, column: key });
    const [missing] = await db.rows<{ n: string; k: number }>(
      `SELECT count(*) AS n, min(s.${key}) AS k FROM (SELECT DISTINCT ${key} FROM series) s ANTI JOIN ${table} USING (${key})`,
    );
    if (Number(missing.n) > 0) {
      throw new DataError(`${missing.n} ${key} value(s) with sales are missing from ${table}, e.g. ${missing.k}`, { file, column: key });
    }
  }
}

/** Tables `codes_<attribute> (value, code)` for the text attributes; returns the codes in use. */
async function createCategoryCodes(db: DuckDbSession, given: CategoryCodes | undefined): Promise<CategoryCodes> {
  const codes: Partial<Record<TextAttribute, readonly string[]>> = {};
  for (const attribute of TEXT_ATTRIBUTES) {
    const source = attribute === 'family' ? 'items' : 'stores';
    const values =
      given?.[attribute] ??
      (await db.rows<{ v: string }>(`SELECT DISTINCT ${sqlIdent(attribute)} AS v FROM ${source} WHERE ${sqlIdent(attribute)} IS NOT NULL ORDER BY v`)).map(
        (r) => r.v,
      );
    const relation = values.length
      ? `SELECT * FROM (VALUES ${values.map((v, i) => `(${sqlString(v)}, ${i})`).join(', ')}) AS v(value, code)`
      : 'SELECT NULL::VARCHAR AS value, NULL::INTEGER AS code WHERE false';
    await db.run(`CREATE TABLE codes_${attribute} AS ${relation}`);
    codes[attribute] = values;
  }
  return codes as CategoryCodes;
}

function describeFiles(files: string | readonly string[]): string {
  if (typeof files === 'string') return files;
  return files.length === 1 ? files[0] : `${files.length} files from ${files[0]}`;
}
