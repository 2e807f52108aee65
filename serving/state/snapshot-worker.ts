/** Worker-thread entry: scores one snapshot job (workerData) and posts the result, its arrays transferred. */
import { parentPort, workerData } from 'node:worker_threads';
import { ShelfcastError } from '../../core/errors.js';
import { scoreSnapshot, type SnapshotJob } from './score-snapshot.js';

try {
  const result = await scoreSnapshot(workerData as SnapshotJob);
  const buffers = [result.storeNbr, result.itemNbr, result.logForecasts, result.knownStores, result.knownItems].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage({ ok: true, result }, [...new Set(buffers)]);
} catch (err) {
  const error = err instanceof Error ? err : new Error(String(err));
  parentPort!.postMessage({ ok: false, error: { name: error.name, message: error.message, code: error instanceof ShelfcastError ? error.code : undefined, stack: error.stack } });
}
