import { readColumn } from '../../core/duckdb-columns.js';
import type { DuckDbSession } from '../../core/duckdb-session.js';
import { FIRST_OFFSET, GRID_DAYS } from './grid-days.js';

/**
 * The dense day grid of a set of series: x (history and labels) and p (promotion) for every series and every
 * day offset from FIRST_OFFSET to LAST_OFFSET, absent days 0. Series-major: the days of one series are
 * contiguous, so computing a series' features walks one short stretch of memory.
 */
export class SeriesGrid {
  readonly x: Float64Array;
  /** Promo flags are 0/1 for a pair and counts at the other levels, so single precision is exact. */
  readonly p: Float32Array;

  constructor(readonly series: number) {
    this.x = new Float64Array(series * GRID_DAYS);
    this.p = new Float32Array(series * GRID_DAYS);
  }

  /** Index of day `offset` (relative to the origin) of series `s` in `x` and `p`. */
  at(s: number, offset: number): number {
    return s * GRID_DAYS + offset - FIRST_OFFSET;
  }
}

/**
 * Fills a grid from a query returning `(sid INTEGER, d INTEGER, x DOUBLE, p FLOAT)` without NULLs, one row per
 * series and day that has data; `d` is a day offset inside the grid.
 */
export async function loadSeriesGrid(db: DuckDbSession, cellsSql: string, series: number): Promise<SeriesGrid> {
  const grid = new SeriesGrid(series);
  let sid = new Int32Array(2048);
  let day = new Int32Array(2048);
  let x = new Float64Array(2048);
  let p = new Float32Array(2048);
  for await (const chunk of db.chunks(cellsSql)) {
    const n = chunk.rowCount;
    if (n > sid.length) [sid, day, x, p] = [new Int32Array(n), new Int32Array(n), new Float64Array(n), new Float32Array(n)];
    readColumn(chunk, 0, 'int32', sid);
    readColumn(chunk, 1, 'int32', day);
    readColumn(chunk, 2, 'float64', x);
    readColumn(chunk, 3, 'float32', p);
    for (let i = 0; i < n; i++) {
      const at = sid[i] * GRID_DAYS + day[i] - FIRST_OFFSET;
      grid.x[at] = x[i];
      grid.p[at] = p[i];
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
  const grid = new SeriesGrid(keys.length);
  for (let s = 0; s < base.series; s++) {
    const row = rowOfKey.get(groupOf[s])!;
    rowOf[s] = row;
    const from = s * GRID_DAYS;
    const to = row * GRID_DAYS;
    for (let d = 0; d < GRID_DAYS; d++) {
      grid.x[to + d] += base.x[from + d];
      grid.p[to + d] += base.p[from + d];
    }
  }
  return { grid, rowOf };
}
