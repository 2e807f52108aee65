import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDbPredictionStore } from '../../monitoring/duckdb-prediction-store.js';
import { buildFeatures, stagingTablesFromLake } from '../../pipelines/features/index.js';
import { startServer, type RunningServer, type ServeOptions } from '../../serving/api/start-server.js';
import { LocalRunSource } from '../../serving/model/local-run-source.js';
import type { ModelSource } from '../../serving/model/model-source.js';
import type { SnapshotScorer } from '../../serving/state/snapshot-scorer.js';
import { boosterFile } from '../../training/bundle/index.js';
import { predictHorizons } from '../../training/horizons/index.js';
import { LightGbmLibrary } from '../../training/lightgbm/index.js';
import { trainRun } from '../../training/train-run.js';
import { localLakeConfig, type tempDirs } from './temp-dirs.js';
import type { TinyLake } from './tiny-lake.js';

/** The origin of a `tiny` lake: its sales end on 2017-08-15. */
export const TINY_ORIGIN = '2017-08-16';

/** Trains a small run on a tiny lake into `runsDir`; `rounds` varies the model so that two runs forecast differently. */
export async function trainTinyRun(tiny: TinyLake, runsDir: string, runId: string, rounds: number): Promise<string> {
  const run = await trainRun(
    { maxRounds: rounds, earlyStoppingRounds: rounds, trainingOrigins: 1, runId, params: { num_threads: 1, learning_rate: 0.1, min_data_in_leaf: 20 }, runsDir },
    { lake: tiny.lake, cacheDir: tiny.cacheDir },
  );
  return run.dir;
}

/**
 * The reference forecast of a run, computed apart from serving: LightGBM's own boosters (not the ONNX model)
 * on the features at the origin, expm1, clipped at 0. Keyed `store:item`, 16 values each.
 */
export async function referenceForecasts(tiny: TinyLake, runDir: string, origin = TINY_ORIGIN): Promise<Map<string, number[]>> {
  const table = await buildFeatures(await stagingTablesFromLake(tiny.lake, origin), { origin }, { cacheDir: tiny.cacheDir });
  const texts = await Promise.all(Array.from({ length: 16 }, (_, h) => readFile(join(runDir, boosterFile(h)), 'utf8')));
  const log = predictHorizons(LightGbmLibrary.open(), texts, { data: table.values, nRows: table.rows, nCols: table.featureNames.length });
  const out = new Map<string, number[]>();
  for (let r = 0; r < table.rows; r++) {
    out.set(
      `${table.storeNbr[r]}:${table.itemNbr[r]}`,
      Array.from({ length: 16 }, (_, h) => Math.max(0, Math.expm1(log[r * 16 + h]))),
    );
  }
  return out;
}

/** Test rows of the tiny data set (the Kaggle test file): the pairs and days a client would ask for. */
export async function tinyTestQueries(tiny: TinyLake): Promise<{ store_nbr: number; item_nbr: number; date: string }[]> {
  const lines = (await readFile(join(tiny.dataDir, 'test.csv'), 'utf8')).trimEnd().split('\n').slice(1);
  return lines.map((l) => {
    const [, date, store, item] = l.split(',');
    return { store_nbr: Number(store), item_nbr: Number(item), date };
  });
}

/** A forecast server on a free loopback port, serving the newest run of `runsDir` (or another `source`) from the tiny lake. */
export async function startTinyServer(
  tiny: TinyLake,
  dirs: ReturnType<typeof tempDirs>,
  options: ({ runsDir: string; source?: undefined } | { source: ModelSource; runsDir?: undefined }) & { adminToken?: string; scorer?: SnapshotScorer; monitoringDb?: string } & Partial<ServeOptions>,
): Promise<RunningServer & { monitoringDb: string }> {
  const monitoringDb = options.monitoringDb ?? join(await dirs.make('monitoring'), 'monitoring.duckdb');
  const server = await startServer(
    { host: '127.0.0.1', port: 0, ...options },
    {
      source: options.source ?? new LocalRunSource({ path: options.runsDir, modelName: 'favorita-unit-sales' }),
      lake: tiny.lake,
      lakeConfig: localLakeConfig(tiny.lake.location, tiny.cacheDir),
      cacheDir: tiny.cacheDir,
      predictionStore: await DuckDbPredictionStore.open(monitoringDb),
      adminToken: options.adminToken,
      scorer: options.scorer,
    },
  );
  return Object.assign(server, { monitoringDb });
}

/** A JSON request to a test server: status, headers and parsed body. */
export async function call(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Rows of the prediction log table, read back from the DuckDB file (after the server closed it). */
export async function readPredictionLog(file: string): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT strftime(served_at, '%Y-%m-%dT%H:%M:%S.%g') AS served_at, store_nbr, item_nbr, date::VARCHAR AS date, horizon, unit_sales, cold_start,
              model_name, model_version, run_id, origin::VARCHAR AS origin FROM predictions ORDER BY served_at, store_nbr, item_nbr, date`,
    );
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

/** A query string from an object of values. */
export function qs(q: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
}

/** Resolves once `condition` holds, checking every 50 ms; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 50));
  }
}
