import { readColumn } from '../../core/duckdb-columns.js';
import type { DuckDbSession } from '../../core/duckdb-session.js';
import { FIRST_OFFSET, GRID_DAYS } from './grid-days.js';

/** Days of x: single precision for the pairs' own log sales, double for the sums of the coarser levels. */
export type DayValues = Float32Array | Float64Array;
/** Days of p: 0/1 flags for a pair, counts at the coarser levels. */
export type PromoValues = Uint8Array | Float32Array;

/**
 * The dense day grid of a set of series: x (history and labels) and p (promotion) for every series and every
 * day offset from FIRST_OFFSET to LAST_OFFSET, absent days 0. Series-major: the days of one series are
 * contiguous, so computing a series' features walks one short stretch of memory. The arrays live in shared
 * memory, so that worker threads can compute features of the same grid (feature-threads.ts).
 */
export class SeriesGrid {
  private constructor(
    readonly series: number,
    readonly x: DayValues,
    readonly p: PromoValues,
  ) {}

  /**
   * A zero grid for store×item pairs. x = log1p(sales) is kept in single precision, like the matrix it ends in
   * (a relative error below 1e-7), and p as bytes: the grid is the largest input of a build.
   */
  static forPairs(series: number): SeriesGrid {
    return new SeriesGrid(series, new Float32Array(new SharedArrayBuffer(series * GRID_DAYS * 4)), new Uint8Array(new SharedArrayBuffer(series * GRID_DAYS)));
  }

  /** A zero grid for the sums of a coarser level. */
  static forLevel(series: number): SeriesGrid {
    return new SeriesGrid(series, new Float64Array(new SharedArrayBuffer(series * GRID_DAYS * 8)), new Float32Array(new SharedArrayBuffer(series * GRID_DAYS * 4)));
  }

  /** A grid over existing arrays (a worker's view of a grid made elsewhere). */
  static over(series: number, arrays: { readonly x: DayValues; readonly p: PromoValues }): SeriesGrid {
    return new SeriesGrid(series, arrays.x, arrays.p);
  }

  /** Index of day `offset` (relative to the origin) of series `s` in `x` and `p`. */
  at(s: number, offset: number): number {
    return s * GRID_DAYS + offset - FIRST_OFFSET;
  }
}

/**
 * Fills a pairs' grid from queries returning `(sid INTEGER, d INTEGER, x DOUBLE, p FLOAT)` without NULLs, one row
 * per series and day that has data, `d` a day offset inside the grid; no two queries return the same cell.
 * Several queries over a few weeks each keep each materialised result small, and each one runs in DuckDB while
 * the grid takes the rows of the one before. (Ordering the rows by (sid, d) would make these writes sequential,
 * but the sort cost DuckDB more than the scattered writes cost here: 4.5 s against 3.4 s at full scale.)
 */
export async function loadSeriesGrid(db: DuckDbSession, cellQueries: readonly string[], series: number): Promise<SeriesGrid> {
  const grid = SeriesGrid.forPairs(series);
  const { x: gridX, p: gridP } = grid;
  let sid = new Int32Array(2048);
  let day = new Int32Array(2048);
  let x = new Float64Array(2048);
  let p = new Float32Array(2048);
  let next = cellQueries.length > 0 ? db.materialize(cellQueries[0]) : undefined;
  for (let q = 0; q < cellQueries.length; q++) {
    const chunks = await next!;
    next = q + 1 < cellQueries.length ? db.materialize(cellQueries[q + 1]) : undefined;
    // A failed query ahead must wait to be reported until this one is read, not be an unhandled rejection.
    next?.catch(() => undefined);
    for (const chunk of chunks) {
      const n = chunk.rowCount;
      if (n > sid.length) [sid, day, x, p] = [new Int32Array(n), new Int32Array(n), new Float64Array(n), new Float32Array(n)];
      readColumn(chunk, 0, 'int32', sid);
      readColumn(chunk, 1, 'int32', day);
      readColumn(chunk, 2, 'float64', x);
      readColumn(chunk, 3, 'float32', p);
      for (let i = 0; i < n; i++) {
        const at = sid[i] * GRID_DAYS + day[i] - FIRST_OFFSET;
        gridX[at] = x[i];
        gridP[at] = p[i];
      }
    }
  }
  return grid;
}

/** Series of a coarser level: each of its rows sums the rows of `base` that map to it. */
export interface LevelSeries {
  readonly grid: SeriesGrid;
  /** Level row of each base series. */
  readonly rowOf: Int32Array;
}

/**
 * Sums the series of `base` into groups: `groupOf[s]` is any integer key of series s (an item number, or a
 * store and class packed into one number); the level's rows are the distinct keys in ascending order.
 */
export function sumSeries(base: SeriesGrid, groupOf: Float64Array): LevelSeries {
  const keys = Array.from(new Set(groupOf)).sort((a, b) => a - b);
  const rowOfKey = new Map(keys.map((k, i) => [k, i]));
  const rowOf = new Int32Array(base.series);
  const grid = SeriesGrid.forLevel(keys.length);
  const [fromX, fromP, toX, toP] = [base.x, base.p, grid.x, grid.p];
  for (let s = 0; s < base.series; s++) {
    const row = rowOfKey.get(groupOf[s])!;
    rowOf[s] = row;
    const from = s * GRID_DAYS;
    const to = row * GRID_DAYS;
    for (let d = 0; d < GRID_DAYS; d++) {
      toX[to + d] += fromX[from + d];
      toP[to + d] += fromP[from + d];
    }
  }
  return { grid, rowOf };
}
