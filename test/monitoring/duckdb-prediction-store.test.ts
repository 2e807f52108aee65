/** The DuckDB prediction store against a real DuckDB file: appends across chunks and stamps, reopening, closing. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../core/errors.js';
import { DuckDbPredictionStore } from '../../monitoring/duckdb-prediction-store.js';
import { PREDICTION_COLUMNS, type PredictionBatch } from '../../monitoring/prediction-store.js';
import { readPredictionLog } from '../support/serving-fixture.js';
import { tempDirs } from '../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

function batch(rows: number, offset: number): PredictionBatch {
  const f = (g: (i: number) => number) => Float64Array.from({ length: rows }, (_, i) => g(i + offset));
  const n = (g: (i: number) => number) => Int32Array.from({ length: rows }, (_, i) => g(i + offset));
  return {
    rows,
    servedAt: f((i) => Date.UTC(2017, 7, 16, 12, 0, 0, i)),
    storeNbr: n((i) => 1 + (i % 54)),
    itemNbr: n((i) => 100_000 + i),
    horizon: n((i) => i % 16),
    unitSales: f((i) => (i % 7) * 0.5),
    coldStart: n((i) => (i % 7 === 0 ? 1 : 0)),
    stamp: n((i) => i % 2),
    stamps: [
      { modelName: 'favorita-unit-sales', modelVersion: '3', runId: 'run-a', origin: '2017-08-16' },
      { modelName: 'favorita-unit-sales', modelVersion: '4', runId: 'run-b', origin: '2017-08-17' },
    ],
  };
}

describe('DuckDbPredictionStore', () => {
  it('appends batches larger than a chunk, keeps them across reopening, and stamps each row', async () => {
    const file = join(await dirs.make('store'), 'nested', 'monitoring.duckdb');
    const store = await DuckDbPredictionStore.open(file);
    expect(store.description).toBe(`DuckDB file ${file}`);
    await store.append(batch(5000, 0));
    await store.append(batch(0, 0));
    await store.close();
    const again = await DuckDbPredictionStore.open(file);
    await again.append(batch(10, 5000));
    await again.close();

    const rows = await readPredictionLog(file);
    expect(rows).toHaveLength(5010);
    expect(Object.keys(rows[0])).toEqual([...PREDICTION_COLUMNS]);
    const byItem = new Map(rows.map((r) => [Number(r.item_nbr), r]));
    for (const i of [0, 1, 2047, 2048, 4999, 5000, 5009]) {
      const odd = i % 2 === 1;
      expect(byItem.get(100_000 + i)).toEqual({
        served_at: new Date(Date.UTC(2017, 7, 16, 12, 0, 0, i)).toISOString().slice(0, 23),
        store_nbr: 1 + (i % 54),
        item_nbr: 100_000 + i,
        date: new Date(Date.parse(odd ? '2017-08-17' : '2017-08-16') + (i % 16) * 86_400_000).toISOString().slice(0, 10),
        horizon: i % 16,
        unit_sales: (i % 7) * 0.5,
        cold_start: i % 7 === 0,
        model_name: 'favorita-unit-sales',
        model_version: odd ? '4' : '3',
        run_id: odd ? 'run-b' : 'run-a',
        origin: odd ? '2017-08-17' : '2017-08-16',
      });
    }
  });

  it('refuses appends after close and a file it cannot create', async () => {
    const dir = await dirs.make('closed');
    const store = await DuckDbPredictionStore.open(join(dir, 'm.duckdb'));
    await store.close();
    await expect(store.append(batch(1, 0))).rejects.toThrow(StorageError);
    await expect(DuckDbPredictionStore.open(join(dir, 'm.duckdb', 'x', 'y.duckdb'))).rejects.toThrow(/cannot open the monitoring store .*SHELFCAST_MONITORING_DB/);
  });
});
