import { silentLogger, type Logger } from '../../core/logger.js';
import type { PredictionBatch, PredictionStamp, PredictionStore } from '../../monitoring/prediction-store.js';
import { PredictionQueue } from './prediction-queue.js';

export interface PredictionLogOptions {
  /** Entries held before the oldest are dropped. */
  readonly capacity?: number;
  /** Most entries per write. */
  readonly batchRows?: number;
  /** How often queued entries are written. */
  readonly flushIntervalMs?: number;
}

/** Counts the log reports (to Prometheus, in the API). */
export interface PredictionLogMetrics {
  /** A batch leaves the queue (before it is written). */
  taken(batch: PredictionBatch): void;
  written(rows: number): void;
  /** `reason`: the queue was full, or a write failed. */
  dropped(rows: number, reason: 'queue_full' | 'write_failed'): void;
}

export const PREDICTION_LOG_DEFAULTS = { capacity: 200_000, batchRows: 20_000, flushIntervalMs: 1_000 } as const;

/**
 * The prediction log: `record` puts an entry in a bounded in-memory queue (drop-oldest when full), and a timer
 * writes the queue to the monitoring store in batches, off the response path. `close` writes what is left.
 */
export class PredictionLog {
  readonly #queue: PredictionQueue;
  readonly #store: PredictionStore;
  readonly #batchRows: number;
  readonly #logger: Logger;
  readonly #metrics?: PredictionLogMetrics;
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | undefined;
  #soon: NodeJS.Immediate | undefined;

  constructor(store: PredictionStore, options: PredictionLogOptions = {}, deps: { logger?: Logger; metrics?: PredictionLogMetrics } = {}) {
    const o = { ...PREDICTION_LOG_DEFAULTS, ...options };
    this.#queue = new PredictionQueue(o.capacity);
    this.#store = store;
    this.#batchRows = o.batchRows;
    this.#logger = deps.logger ?? silentLogger;
    this.#metrics = deps.metrics;
    this.#timer = setInterval(() => void this.flush(), o.flushIntervalMs);
    this.#timer.unref();
  }

  /** Entries waiting to be written. */
  get queued(): number {
    return this.#queue.size;
  }

  /** The slot for predictions of one model version at one origin. */
  stampSlot(stamp: PredictionStamp): number {
    return this.#queue.stampSlot(stamp);
  }

  /** Queues one served prediction; never waits. */
  record(servedAt: number, storeNbr: number, itemNbr: number, horizon: number, unitSales: number, coldStart: boolean, stamp: number): void {
    if (!this.#queue.push(servedAt, storeNbr, itemNbr, horizon, unitSales, coldStart, stamp)) this.#metrics?.dropped(1, 'queue_full');
    if (this.#queue.size >= this.#batchRows && !this.#soon && !this.#flushing) {
      this.#soon = setImmediate(() => {
        this.#soon = undefined;
        void this.flush();
      });
    }
  }

  /** Writes everything queued; resolves when the queue is empty (a failed batch is logged, counted and dropped). */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  /** Stops the timer, writes what is queued and closes the store. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#soon) clearImmediate(this.#soon);
    await this.flush();
    await this.#store.close();
  }

  async #drain(): Promise<void> {
    while (this.#queue.size > 0) {
      const batch = this.#queue.take(this.#batchRows);
      this.#metrics?.taken(batch);
      try {
        await this.#store.append(batch);
        this.#metrics?.written(batch.rows);
      } catch (err) {
        this.#metrics?.dropped(batch.rows, 'write_failed');
        this.#logger.error({ err, rows: batch.rows, store: this.#store.description }, 'serve: prediction log write failed; batch dropped');
      }
    }
  }
}
