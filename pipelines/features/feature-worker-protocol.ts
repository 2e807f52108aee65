import type { LevelFeatures, PairKeys } from './feature-rows.js';
import type { DayValues, PromoValues } from './series-grid.js';

/** A day grid's arrays (shared memory) as sent to a worker. */
export interface GridArrays {
  readonly series: number;
  readonly x: DayValues;
  readonly p: PromoValues;
}

/** What FeatureThreads asks of a feature worker (feature-worker.ts). */
export type FeatureWorkerJob =
  /** The series of a coarser level: sums of the pairs' series by their key at the level (sumSeries). */
  | { readonly type: 'sum'; readonly pairs: GridArrays; readonly groupOf: Float64Array }
  /** The series features of series from … to−1 of each grid, into `out` (shared memory). */
  | { readonly type: 'series'; readonly ranges: readonly { readonly grid: GridArrays; readonly from: number; readonly to: number; readonly out: Float32Array }[] }
  /** Rows from … to−1 of the feature matrix, handed back `batch` rows at a time in the given buffers. */
  | {
      readonly type: 'rows';
      readonly keys: PairKeys;
      readonly pairs: GridArrays;
      readonly attributes: Float32Array;
      readonly levels: readonly LevelFeatures[];
      readonly from: number;
      readonly to: number;
      readonly batch: number;
      readonly buffers: readonly ArrayBuffer[];
    }
  /** A row buffer returned after its rows were copied. */
  | { readonly type: 'buffer'; readonly buffer: ArrayBuffer };

/** What a feature worker answers: row batches of a `rows` job, then `done`, or the error that ended the job. */
export type FeatureWorkerReply =
  | { readonly type: 'rows'; readonly first: number; readonly count: number; readonly buffer: ArrayBuffer }
  /** The end of a job; a `sum` job's level series (grid arrays in shared memory). */
  | { readonly type: 'done'; readonly level?: { readonly grid: GridArrays; readonly rowOf: Int32Array } }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };
