import { startModuleWorker } from '../../core/module-worker.js';
import { DataError, ShelfcastError, StorageError, TrainingError, UsageError } from '../../core/errors.js';
import { scoreSnapshot, type ScoredSnapshot, type SnapshotJob } from './score-snapshot.js';

/** Scores a snapshot job; aborting the signal stops the work and rejects. */
export type SnapshotScorer = (job: SnapshotJob, signal?: AbortSignal) => Promise<ScoredSnapshot>;

/** Scores on the calling thread: blocks its event loop for the seconds the feature build takes. */
export const scoreInProcess: SnapshotScorer = (job) => scoreSnapshot(job);

/**
 * Scores in a worker thread, so that the server keeps answering while the next snapshot is built. One job at
 * a time per process: a build takes both cores anyway, and scratch directories are tracked per thread.
 */
export const scoreInWorker: SnapshotScorer = (job, signal) => {
  const run = queue.then(() => runWorker(job, signal));
  queue = run.catch(() => undefined);
  return run;
};

let queue: Promise<unknown> = Promise.resolve();

function runWorker(job: SnapshotJob, signal?: AbortSignal): Promise<ScoredSnapshot> {
  signal?.throwIfAborted();
  const worker = startModuleWorker(import.meta.url, 'snapshot-worker', job);
  return new Promise<ScoredSnapshot>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      action();
      void worker.terminate();
    };
    const onAbort = (): void => settle(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: WorkerReply) => settle(() => (message.ok ? resolve(message.result) : reject(rebuildError(message.error)))));
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the snapshot worker exited with code ${code} before answering`))));
  });
}

type WorkerReply = { ok: true; result: ScoredSnapshot } | { ok: false; error: SerializedError };

interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

function rebuildError(e: SerializedError): Error {
  const options = { cause: e.stack };
  const error: ShelfcastError | Error =
    e.code === 'DATA'
      ? new DataError(e.message, {}, options)
      : e.code === 'USAGE'
        ? new UsageError(e.message, options)
        : e.code === 'STORAGE'
          ? new StorageError(e.message, options)
          : e.code === 'TRAINING'
            ? new TrainingError(e.message, options)
            : new Error(`${e.name}: ${e.message}`, options);
  return error;
}
