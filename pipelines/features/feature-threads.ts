import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../core/module-worker.js';
import { coarserLevelKeys, FeatureRows, SERIES_WIDTH, writeSeriesRange, type LevelFeatures, type PairKeys } from './feature-rows.js';
import type { FeatureWorkerJob, FeatureWorkerReply, GridArrays } from './feature-worker-protocol.js';
import { compileSeriesFeatures } from './series-features.js';
import { SeriesGrid, sumSeries, type LevelSeries } from './series-grid.js';

/** How the feature computation may spread over threads. */
export interface FeatureThreadOptions {
  /** Threads computing features, this one included (default: the available cores, at most 2). */
  readonly threads?: number;
  /** Fewer rows than this per thread are computed on this thread alone: a worker costs tens of ms to start. */
  readonly minRowsPerThread?: number;
}

export const DEFAULT_MIN_ROWS_PER_THREAD = 8192;
/** Rows a worker hands over at once (about 5 MB), and how many such buffers it may have in flight. */
const WORKER_BATCH_ROWS = 2048;
const WORKER_BUFFERS = 3;
/** Rows this thread computes between two looks at the workers' replies. */
const OWN_SLICE_ROWS = 1024;

/**
 * The series features of a build, computed on this thread and worker threads over the same day grid (in shared
 * memory): each thread takes an equal part of the level series, then of the rows. The rows must end in an
 * ordinary array (ONNX Runtime refuses shared memory), so workers hand theirs over in batches that this thread
 * copies into place between slices of its own part.
 */
export class FeatureThreads {
  private readonly writeSeries = compileSeriesFeatures();

  private constructor(private readonly workers: readonly FeatureWorker[]) {}

  /** Starts the workers a build of `rows` rows deserves; `close()` stops them. */
  static open(rows: number, options: FeatureThreadOptions = {}): FeatureThreads {
    const wanted = options.threads ?? Math.min(2, availableParallelism());
    const minRows = Math.max(1, options.minRowsPerThread ?? DEFAULT_MIN_ROWS_PER_THREAD);
    const threads = Math.max(1, Math.min(wanted, Math.floor(rows / minRows)));
    return new FeatureThreads(Array.from({ length: threads - 1 }, () => new FeatureWorker(startModuleWorker(import.meta.url, 'feature-worker'))));
  }

  /** Threads in use, this one included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** The features of every series of the coarser levels. */
  async levelFeatures(keys: PairKeys, pairs: SeriesGrid): Promise<LevelFeatures[]> {
    // The levels' sums go round the threads, level by level; then each thread takes a share of every level's series.
    const levelKeys = coarserLevelKeys(keys);
    const summed = levelKeys.map((groupOf, l) => {
      const thread = l % this.threads;
      if (thread === 0) return undefined;
      return this.workers[thread - 1].run({ type: 'sum', pairs: gridArrays(pairs), groupOf });
    });
    quiet(summed.filter((s) => s !== undefined));
    const ownSums = levelKeys.map((groupOf, l) => (summed[l] === undefined ? sumSeries(pairs, groupOf) : undefined));
    const levels: LevelSeries[] = await Promise.all(
      summed.map(async (job, l) => {
        if (job === undefined) return ownSums[l]!;
        const level = await job;
        if (!level) throw new Error('a feature worker returned no level series');
        return { grid: SeriesGrid.over(level.grid.series, level.grid), rowOf: level.rowOf };
      }),
    );
    const outs = levels.map((l) => new Float32Array(new SharedArrayBuffer(l.grid.series * SERIES_WIDTH * Float32Array.BYTES_PER_ELEMENT)));
    const rangesOf = (thread: number) =>
      levels.map(({ grid }, i) => ({ grid, out: outs[i], ...share(grid.series, this.threads, thread) }));
    const jobs = this.workers.map((worker, w) =>
      worker.run({ type: 'series', ranges: rangesOf(w + 1).map(({ grid, ...range }) => ({ ...range, grid: gridArrays(grid) })) }),
    );
    quiet(jobs);
    for (const { grid, out, from, to } of rangesOf(0)) writeSeriesRange(this.writeSeries, grid, from, to, out);
    await Promise.all(jobs);
    // Copying from shared memory into an ordinary array (each row takes its levels' features by TypedArray.set)
    // is several times slower than between ordinary arrays, so the features leave shared memory once here.
    return levels.map((l, i) => ({ features: outs[i].slice(), rowOf: l.rowOf }));
  }

  /** Fills `values` (rows × width, row-major) with every row of `rows`. */
  async fillRows(rows: FeatureRows, values: Float32Array): Promise<void> {
    const width = rows.width;
    const jobs = this.workers.map((worker, w) => {
      const buffers = Array.from({ length: WORKER_BUFFERS }, () => new ArrayBuffer(WORKER_BATCH_ROWS * width * Float32Array.BYTES_PER_ELEMENT));
      const job: FeatureWorkerJob = {
        type: 'rows',
        keys: rows.keys,
        pairs: gridArrays(rows.pairs),
        attributes: rows.attributes,
        levels: rows.levels,
        ...share(rows.rows, this.threads, w + 1),
        batch: WORKER_BATCH_ROWS,
        buffers,
      };
      return worker.run(job, buffers, ({ first, count, buffer }) => {
        values.set(new Float32Array(buffer, 0, count * width), first * width);
        worker.giveBack(buffer);
      });
    });
    quiet(jobs);
    const own = share(rows.rows, this.threads, 0);
    for (let first = own.from; first < own.to; first += OWN_SLICE_ROWS) {
      const count = Math.min(OWN_SLICE_ROWS, own.to - first);
      rows.fill(first, count, values.subarray(first * width, (first + count) * width));
      if (jobs.length > 0) await nextTurn();
    }
    await Promise.all(jobs);
  }

  /** Stops the workers. */
  close(): void {
    for (const worker of this.workers) worker.stop();
  }
}

/** Part `thread` of `count` items split into `threads` nearly equal consecutive ranges. */
function share(count: number, threads: number, thread: number): { from: number; to: number } {
  return { from: Math.floor((count * thread) / threads), to: Math.floor((count * (thread + 1)) / threads) };
}

function gridArrays(grid: SeriesGrid): GridArrays {
  return { series: grid.series, x: grid.x, p: grid.p };
}

/** The jobs are awaited later; until then a failure must not count as an unhandled rejection. */
function quiet(jobs: readonly Promise<unknown>[]): void {
  for (const job of jobs) job.catch(() => undefined);
}

type DoneReply = Extract<FeatureWorkerReply, { type: 'done' }>;

/** One worker thread running one job at a time. */
class FeatureWorker {
  private pending?: {
    readonly resolve: (level: DoneReply['level']) => void;
    readonly reject: (err: Error) => void;
    readonly onRows?: (batch: { first: number; count: number; buffer: ArrayBuffer }) => void;
  };
  private stopped = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: FeatureWorkerReply) => this.receive(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`a feature worker thread exited with code ${code} before finishing its job`)));
  }

  /** Runs a job; resolves with the level series a `sum` job returns. */
  run(job: FeatureWorkerJob, transfer: ArrayBuffer[] = [], onRows?: (batch: { first: number; count: number; buffer: ArrayBuffer }) => void): Promise<DoneReply['level']> {
    // Jobs given while one runs wait their turn: the worker answers one job at a time.
    const next = this.queue.then(
      () =>
        new Promise<DoneReply['level']>((resolve, reject) => {
          this.pending = { resolve, reject, onRows };
          this.worker.postMessage(job, transfer);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Returns a row buffer for the worker's next batch. */
  giveBack(buffer: ArrayBuffer): void {
    this.worker.postMessage({ type: 'buffer', buffer } satisfies FeatureWorkerJob, [buffer]);
  }

  stop(): void {
    this.stopped = true;
    void this.worker.terminate();
  }

  private receive(reply: FeatureWorkerReply): void {
    const pending = this.pending;
    if (!pending) return;
    if (reply.type === 'rows') {
      pending.onRows?.(reply);
      return;
    }
    this.pending = undefined;
    if (reply.type === 'done') pending.resolve(reply.level);
    else pending.reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
  }

  private fail(err: Error): void {
    if (this.stopped || !this.pending) return;
    const { reject } = this.pending;
    this.pending = undefined;
    reject(err);
  }
}
