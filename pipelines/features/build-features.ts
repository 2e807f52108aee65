import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DuckDbSession, sqlString } from '../../core/duckdb-session.js';
import { ShelfcastError, UsageError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import { FEATURE_NAMES, LABEL_NAMES } from './feature-spec.js';
import type { FeatureTable } from './feature-table.js';
import { prepareFeatures, type FeatureParams, type PreparedFeatures } from './prepare-features.js';
import type { StagingTables } from './staging-tables.js';

/** Where DuckDB may spill and how much it may use. */
export interface FeatureDeps {
  /** A scratch directory is made (and removed) under it. */
  readonly cacheDir: string;
  /** DuckDB limits: the defaults hold a Kaggle-size build (167k pairs) without spilling. */
  readonly duckdb?: { readonly memoryLimit?: string; readonly threads?: number };
  readonly logger?: Logger;
}

/** A feature file written by writeFeatures. */
export interface FeatureFileSummary {
  readonly path: string;
  readonly format: FeatureFileFormat;
  readonly origin: string;
  readonly lastObservedDay: string;
  readonly rows: number;
  /** Columns in the file: keys, features, and labels and weight when asked for. */
  readonly columns: number;
  readonly seconds: number;
}

export type FeatureFileFormat = 'parquet' | 'csv';

/**
 * The feature matrix at one origin, in memory: Float32Array values plus Int32Array keys.
 *
 * @example const table = await buildFeatures(tables, { origin: '2017-07-26', labels: true }, { cacheDir })
 */
export async function buildFeatures(tables: StagingTables, params: FeatureParams, deps: FeatureDeps): Promise<FeatureTable> {
  return withDatabase(deps, async (db, logger) => {
    const prepared = await prepareFeatures(db, tables, params, stepLogger(logger, params.origin));
    const table = await readFeatureTable(db, prepared, params);
    logger.debug({ origin: params.origin, rows: table.rows }, 'features: read into memory');
    return table;
  });
}

/**
 * Writes the feature table at one origin to a Parquet or CSV file (by its extension), rows in (store_nbr,
 * item_nbr) order. The file appears complete or not at all.
 *
 * @example await writeFeatures(tables, { origin: '2017-08-16' }, 'features.parquet', { cacheDir })
 */
export async function writeFeatures(tables: StagingTables, params: FeatureParams, path: string, deps: FeatureDeps): Promise<FeatureFileSummary> {
  const format = featureFileFormat(path);
  const started = performance.now();
  return withDatabase(deps, async (db, logger) => {
    const prepared = await prepareFeatures(db, tables, params, stepLogger(logger, params.origin));
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
    const options = format === 'parquet' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT csv, HEADER true';
    try {
      await db.run(`COPY (SELECT * EXCLUDE (sid) FROM (${prepared.sql}) ORDER BY sid) TO ${sqlString(temp)} (${options})`);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return {
      path,
      format,
      origin: params.origin,
      lastObservedDay: prepared.lastObservedDay,
      rows: prepared.rows,
      columns: prepared.columns.length,
      seconds: (performance.now() - started) / 1000,
    };
  });
}

/** The file format a feature file path asks for; a UsageError for anything but .parquet and .csv. */
export function featureFileFormat(path: string): FeatureFileFormat {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.csv$/i.test(path)) return 'csv';
  throw new UsageError(`--out ${path}: expected a file name ending in .parquet or .csv`);
}

async function withDatabase<T>(deps: FeatureDeps, work: (db: DuckDbSession, logger: Logger) => Promise<T>): Promise<T> {
  const logger = deps.logger ?? silentLogger;
  const workDir = await createWorkDir(deps.cacheDir, 'features');
  let db: DuckDbSession | undefined;
  try {
    db = await DuckDbSession.open({
      memoryLimit: deps.duckdb?.memoryLimit ?? '4GB',
      threads: deps.duckdb?.threads ?? 2,
      tempDirectory: join(workDir, 'duckdb-tmp'),
    });
    return await work(db, logger);
  } finally {
    db?.close();
    await removeWorkDir(workDir);
  }
}

function stepLogger(logger: Logger, origin: string): (step: string, detail?: Record<string, number | string>) => void {
  let last = performance.now();
  return (step, detail) => {
    const now = performance.now();
    logger.info({ origin, step, seconds: (now - last) / 1000, ...detail }, `features: ${step}`);
    last = now;
  };
}

/** Reads the feature table into typed arrays, placing each row by its `sid` (rows come back in any order). */
async function readFeatureTable(db: DuckDbSession, prepared: PreparedFeatures, params: FeatureParams): Promise<FeatureTable> {
  const { rows } = prepared;
  const width = FEATURE_NAMES.length;
  const horizon = LABEL_NAMES.length;
  const values = new Float32Array(rows * width);
  const labels = params.labels ? new Float32Array(rows * horizon) : undefined;
  const weight = params.labels ? new Float32Array(rows) : undefined;
  // Columns: sid, store_nbr, item_nbr, features, [labels, weight].
  const firstFeature = 3;
  const firstLabel = firstFeature + width;
  let sids = new Int32Array(2048);
  let seen = 0;
  for await (const chunk of db.chunks(prepared.sql)) {
    const n = chunk.rowCount;
    if (n > sids.length) sids = new Int32Array(n);
    const sid = chunk.getColumnVector(0);
    for (let i = 0; i < n; i++) sids[i] = sid.getItem(i) as number;
    seen += n;
    for (let c = 0; c < width; c++) {
      const vector = chunk.getColumnVector(firstFeature + c);
      // NULL (a mean over no days, a value without a code) becomes NaN, LightGBM's missing value.
      for (let i = 0; i < n; i++) values[sids[i] * width + c] = (vector.getItem(i) as number | null) ?? NaN;
    }
    if (labels && weight) {
      for (let h = 0; h < horizon; h++) {
        const vector = chunk.getColumnVector(firstLabel + h);
        for (let i = 0; i < n; i++) labels[sids[i] * horizon + h] = vector.getItem(i) as number;
      }
      const w = chunk.getColumnVector(firstLabel + horizon);
      for (let i = 0; i < n; i++) weight[sids[i]] = w.getItem(i) as number;
    }
  }
  // Each pair must come back exactly once; a join that lost or doubled rows would leave zeros in place.
  if (seen !== rows) throw new ShelfcastError('INTERNAL', `the feature query returned ${seen} rows for ${rows} store×item pairs`);
  return {
    origin: params.origin,
    lastObservedDay: prepared.lastObservedDay,
    featureNames: FEATURE_NAMES,
    rows,
    storeNbr: prepared.keys.storeNbr,
    itemNbr: prepared.keys.itemNbr,
    values,
    labels,
    weight,
    categories: prepared.categories,
  };
}
