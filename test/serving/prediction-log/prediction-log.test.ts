/** The prediction log over a real DuckDB store: batched writes, drop-oldest when full, failed writes counted. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbPredictionStore } from '../../../monitoring/duckdb-prediction-store.js';
import { PredictionLog, type PredictionLogMetrics } from '../../../serving/prediction-log/prediction-log.js';
import { readPredictionLog } from '../../support/serving-fixture.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());
const stamp = { modelName: 'm', modelVersion: 'v', runId: 'r', origin: '2017-08-16' };

function counting(): PredictionLogMetrics & { counts: Record<string, number> } {
  const counts: Record<string, number> = { taken: 0, written: 0, queue_full: 0, write_failed: 0 };
  return {
    counts,
    taken: (b) => (counts.taken += b.rows),
    written: (n) => (counts.written += n),
    dropped: (n, reason) => (counts[reason] += n),
  };
}

describe('PredictionLog', () => {
  it('writes what it queued in batches, by timer and on close', async () => {
    const file = join(await dirs.make('log'), 'm.duckdb');
    const metrics = counting();
    const log = new PredictionLog(await DuckDbPredictionStore.open(file), { capacity: 1000, batchRows: 300, flushIntervalMs: 50 }, { metrics });
    const slot = log.stampSlot(stamp);
    for (let i = 0; i < 700; i++) log.record(Date.now(), 1, i, i % 16, i, false, slot);
    await new Promise((r) => setTimeout(r, 300));
    expect(log.queued).toBe(0);
    expect(metrics.counts.written).toBe(700);
    for (let i = 700; i < 750; i++) log.record(Date.now(), 1, i, 0, i, true, slot);
    await log.close();
    expect(metrics.counts).toEqual({ taken: 750, written: 750, queue_full: 0, write_failed: 0 });
    const rows = await readPredictionLog(file);
    expect(rows.map((r) => Number(r.item_nbr)).sort((a, b) => a - b)).toEqual(Array.from({ length: 750 }, (_, i) => i));
  });

  it('drops the oldest predictions when the queue is full and counts them', async () => {
    const file = join(await dirs.make('full'), 'm.duckdb');
    const metrics = counting();
    const log = new PredictionLog(await DuckDbPredictionStore.open(file), { capacity: 100, batchRows: 1000, flushIntervalMs: 60_000 }, { metrics });
    const slot = log.stampSlot(stamp);
    for (let i = 0; i < 250; i++) log.record(Date.now(), 1, i, 0, 1, false, slot);
    expect(metrics.counts.queue_full).toBe(150);
    await log.close();
    expect((await readPredictionLog(file)).map((r) => Number(r.item_nbr)).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));
  });

  it('counts a batch whose write failed as dropped and goes on', async () => {
    const store = await DuckDbPredictionStore.open(join(await dirs.make('fail'), 'm.duckdb'));
    const metrics = counting();
    const log = new PredictionLog(store, { flushIntervalMs: 60_000 }, { metrics });
    await store.close(); // a real store that refuses writes: the fault a lost database would cause
    log.record(Date.now(), 1, 1, 0, 1, false, log.stampSlot(stamp));
    await log.flush();
    expect(metrics.counts).toMatchObject({ taken: 1, written: 0, write_failed: 1 });
    await log.close();
  });
});
