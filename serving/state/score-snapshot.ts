import { join } from 'node:path';
import { DuckDbSession, sqlString } from '../../core/duckdb-session.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { openLake, type LakeConfig } from '../../core/storage/open-lake.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import { buildFeatures, FEATURE_NAMES, stagingTablesFromLake, type CategoryCodes } from '../../pipelines/features/index.js';
import { OnnxForecaster } from '../../training/bundle/index.js';
import type { ScoredSeries } from './forecast-state.js';

/** What scoring a feature snapshot needs; plain data, so that it can be handed to a worker thread. */
export interface SnapshotJob {
  readonly lake: LakeConfig;
  readonly cacheDir: string;
  readonly origin: string;
  readonly onnxPath: string;
  readonly categories: CategoryCodes;
}

/** The scored series at the origin, with the feature build's last sales day and timings. */
export interface ScoredSnapshot extends ScoredSeries {
  readonly lastObservedDay: string;
  readonly featureSeconds: number;
  readonly scoringSeconds: number;
}

/**
 * Builds the features at the origin from the lake (the lake's promotion plans give the future promotions) and
 * runs the model over all of them once. CPU-heavy for seconds: serving runs it in a worker thread.
 */
export async function scoreSnapshot(job: SnapshotJob, logger: Logger = silentLogger): Promise<ScoredSnapshot> {
  const lake = openLake(job.lake);
  try {
    const started = performance.now();
    const tables = await stagingTablesFromLake(lake, job.origin);
    const features = await buildFeatures(tables, { origin: job.origin, categories: job.categories }, { cacheDir: job.cacheDir, logger });
    const featureSeconds = (performance.now() - started) / 1000;
    const forecaster = await OnnxForecaster.load(job.onnxPath, FEATURE_NAMES.length);
    let predicted: { values: Float32Array; outputs: number };
    try {
      predicted = features.rows > 0 ? await forecaster.predict(features.values, features.rows) : { values: new Float32Array(0), outputs: 16 };
    } finally {
      await forecaster.release();
    }
    const known = await readKnownKeys(tables.stores, tables.items, job.cacheDir);
    return {
      origin: job.origin,
      lastObservedDay: features.lastObservedDay,
      storeNbr: features.storeNbr,
      itemNbr: features.itemNbr,
      logForecasts: predicted.values,
      outputs: predicted.outputs,
      knownStores: known.stores,
      knownItems: known.items,
      featureSeconds,
      scoringSeconds: (performance.now() - started) / 1000 - featureSeconds,
    };
  } finally {
    lake.close();
  }
}

/** Store and item numbers of the staged reference tables (local Parquet files). */
async function readKnownKeys(storesFile: string, itemsFile: string, cacheDir: string): Promise<{ stores: Int32Array; items: Int32Array }> {
  const workDir = await createWorkDir(cacheDir, 'serving');
  const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(workDir, 'duckdb-tmp') });
  try {
    const column = async (file: string, name: string): Promise<Int32Array> => {
      const rows = await db.rows<{ k: number }>(`SELECT DISTINCT ${name}::INTEGER AS k FROM read_parquet(${sqlString(file)}) WHERE ${name} IS NOT NULL`);
      return Int32Array.from(rows, (r) => r.k);
    };
    return { stores: await column(storesFile, 'store_nbr'), items: await column(itemsFile, 'item_nbr') };
  } finally {
    db.close();
    await removeWorkDir(workDir);
  }
}
