import { DOUBLE, DuckDBDataChunk, INTEGER, TINYINT, type DuckDBType } from '@duckdb/node-api';
import { FIRST_OFFSET, GRID_DAYS, gridColumns } from './day-columns.js';
import type { DuckDbSession } from '../../core/duckdb-session.js';
import { ident } from './feature-sql.js';

/** Keys of the selected store×item pairs, indexed by `sid` (pairs in (store_nbr, item_nbr) order). */
export interface PairKeys {
  readonly storeNbr: Int32Array;
  readonly itemNbr: Int32Array;
  /** The item's class, the key of the store-class level. */
  readonly classNbr: Int32Array;
}

/**
 * The dense day grid of the selected store×item pairs: x and p for every pair and every day offset of the
 * grid, absent days 0. This is the pivot from sparse rows to one column per day, so it is stored day-major
 * (day × pair): a day column is contiguous when it is appended, and the sparse rows, which arrive in date
 * order, fill it nearly in sequence.
 *
 * DuckDB has no scatter into a list or a column, and its pivots (conditional aggregation, PIVOT, a cross join
 * with a left join, ordered list aggregates) cost 20–60 CPU-seconds at Kaggle size (167k pairs × 163 days) where
 * filling two typed arrays costs about three. So the sparse rows come out of DuckDB, are placed here, and go
 * back in as a table with one column per day.
 */
export class DayMatrix {
  readonly pairs: number;
  readonly x: Float64Array;
  /** Promo flags are 0/1 here, so single precision is exact and halves the memory. */
  readonly p: Float32Array;

  constructor(readonly keys: PairKeys) {
    this.pairs = keys.storeNbr.length;
    this.x = new Float64Array(this.pairs * GRID_DAYS);
    this.p = new Float32Array(this.pairs * GRID_DAYS);
  }

  /** Sets the values of pair `sid` on day `offset` (relative to the origin). */
  set(sid: number, offset: number, x: number, p: number): void {
    const at = (offset - FIRST_OFFSET) * this.pairs + sid;
    this.x[at] = x;
    this.p[at] = p;
  }
}

/**
 * Fills a matrix from a query returning `(sid INTEGER, d INTEGER, x DOUBLE, p INTEGER)`, one row per pair and
 * day that has data; `sid` indexes `keys` and `d` is a day offset inside the grid.
 */
export async function loadDayMatrix(db: DuckDbSession, cellsSql: string, keys: PairKeys): Promise<DayMatrix> {
  const matrix = new DayMatrix(keys);
  for await (const chunk of db.chunks(cellsSql)) {
    const sid = chunk.getColumnVector(0);
    const day = chunk.getColumnVector(1);
    const x = chunk.getColumnVector(2);
    const p = chunk.getColumnVector(3);
    // rowCount asks the native chunk each time it is read; read it once.
    const n = chunk.rowCount;
    for (let i = 0; i < n; i++) {
      matrix.set(sid.getItem(i) as number, day.getItem(i) as number, x.getItem(i) as number, p.getItem(i) as number);
    }
  }
  return matrix;
}

/** Key columns of the grid table: the level (index into LEVELS) and the keys of every level. */
export const GRID_KEY_COLUMNS = ['level', 'sid', 'store_nbr', 'item_nbr', 'class'] as const;

/**
 * Creates `table` (level TINYINT, sid, store_nbr, item_nbr, class INTEGER, one DOUBLE column per day for x then
 * for p; see day-columns.ts) and appends the matrix as level 0, one data chunk of up to 2048 pairs at a time.
 */
export async function appendDayMatrix(db: DuckDbSession, table: string, matrix: DayMatrix): Promise<void> {
  const columns = gridColumns();
  await db.run(
    `CREATE TABLE ${ident(table)} (level TINYINT, sid INTEGER, store_nbr INTEGER, item_nbr INTEGER, class INTEGER, ${columns
      .map((c) => `${ident(c)} DOUBLE`)
      .join(', ')})`,
  );
  const types: DuckDBType[] = [TINYINT, INTEGER, INTEGER, INTEGER, INTEGER, ...columns.map(() => DOUBLE)];
  const { storeNbr, itemNbr, classNbr } = matrix.keys;
  const appender = await db.appender(table);
  try {
    const chunkSize = 2048;
    for (let first = 0; first < matrix.pairs; first += chunkSize) {
      const n = Math.min(chunkSize, matrix.pairs - first);
      const chunk = DuckDBDataChunk.create(types, n);
      const keyColumns = [0, 1, 2, 3, 4].map((c) => chunk.getColumnVector(c));
      for (let i = 0; i < n; i++) {
        const sid = first + i;
        keyColumns[0].setItem(i, 0);
        keyColumns[1].setItem(i, sid);
        keyColumns[2].setItem(i, storeNbr[sid]);
        keyColumns[3].setItem(i, itemNbr[sid]);
        keyColumns[4].setItem(i, classNbr[sid]);
      }
      for (const vector of keyColumns) vector.flush();
      for (let day = 0; day < GRID_DAYS; day++) {
        const x = chunk.getColumnVector(GRID_KEY_COLUMNS.length + day);
        const p = chunk.getColumnVector(GRID_KEY_COLUMNS.length + GRID_DAYS + day);
        for (let i = 0, at = day * matrix.pairs + first; i < n; i++, at++) {
          x.setItem(i, matrix.x[at]);
          p.setItem(i, matrix.p[at]);
        }
        x.flush();
        p.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
