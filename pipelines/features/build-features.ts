import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { duckDbTypeOf, writeColumn } from '../../core/duckdb-columns.js';
import { DuckDbSession, sqlString } from '../../core/duckdb-session.js';
import { UsageError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import { FEATURE_NAMES, LABEL_NAMES } from './feature-spec.js';
import type { FeatureTable } from './feature-table.js';
import { FeatureRows } from './feature-rows.js';
import { FeatureThreads, type FeatureThreadOptions } from './feature-threads.js';
import { prepareFeatures, type FeatureParams, type PreparedFeatures } from './prepare-features.js';
import type { StagingTables } from './staging-tables.js';

/** Where DuckDB may spill, how much it may use, and how many threads compute. */
export interface FeatureDeps {
  /** A scratch directory is made (and removed) under it. */
  readonly cacheDir: string;
  /** DuckDB limits: the defaults hold a Kaggle-size build (167k pairs) without spilling. */
  readonly duckdb?: { readonly memoryLimit?: string; readonly threads?: number };
  /** Threads computing the features themselves. */
  readonly parallel?: FeatureThreadOptions;
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
  const onStep = stepLogger(deps.logger ?? silentLogger, params.origin);
  // The worker threads start as soon as the row count is known, so that they are ready when the grid is.
  let threads: FeatureThreads | undefined;
  const openThreads = (rows: number): void => void (threads = FeatureThreads.open(rows, deps.parallel));
  try {
    const prepared = await withDatabase(deps, (db) => prepareFeatures(db, tables, params, onStep, openThreads));
    const { rows, keys } = prepared;
    threads ??= FeatureThreads.open(rows, deps.parallel);
    const featureRows = new FeatureRows(keys, prepared.pairs, prepared.attributes, await threads.levelFeatures(keys, prepared.pairs));
    onStep('level features', { threads: threads.threads });
    const values = new Float32Array(rows * featureRows.width);
    await threads.fillRows(featureRows, values);
    let labels: Float32Array | undefined;
    let weight: Float32Array | undefined;
    if (params.labels) {
      labels = new Float32Array(rows * LABEL_NAMES.length);
      weight = new Float32Array(rows);
      featureRows.fillLabels(0, rows, labels, weight);
    }
    onStep('series features', { rows });
    return {
      origin: params.origin,
      lastObservedDay: prepared.lastObservedDay,
      featureNames: FEATURE_NAMES,
      rows,
      storeNbr: keys.storeNbr,
      itemNbr: keys.itemNbr,
      values,
      labels,
      weight,
      categories: prepared.categories,
    };
  } finally {
    threads?.close();
  }
}

/**
 * Writes the feature table at one origin to a Parquet or CSV file (by its extension), rows in (store_nbr,
 * item_nbr) order, NULL where a feature has no value. The file appears complete or not at all.
 *
 * @example await writeFeatures(tables, { origin: '2017-08-16' }, 'features.parquet', { cacheDir })
 */
export async function writeFeatures(tables: StagingTables, params: FeatureParams, path: string, deps: FeatureDeps): Promise<FeatureFileSummary> {
  const format = featureFileFormat(path);
  const started = performance.now();
  return withDatabase(deps, async (db) => {
    const onStep = stepLogger(deps.logger ?? silentLogger, params.origin);
    let threads: FeatureThreads | undefined;
    let prepared: PreparedFeatures;
    let featureRows: FeatureRows;
    let threadCount: number;
    try {
      prepared = await prepareFeatures(db, tables, params, onStep, (rows) => void (threads = FeatureThreads.open(rows, deps.parallel)));
      threads ??= FeatureThreads.open(prepared.rows, deps.parallel);
      threadCount = threads.threads;
      featureRows = new FeatureRows(prepared.keys, prepared.pairs, prepared.attributes, await threads.levelFeatures(prepared.keys, prepared.pairs));
    } finally {
      threads?.close();
    }
    onStep('level features', { threads: threadCount });
    const columns = registerFeatureRows(db, 'feature_rows', featureRows, Boolean(params.labels));
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
    try {
      await db.run(`COPY (FROM feature_rows()) TO ${sqlString(temp)} (${FILE_OPTIONS[format]})`);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    onStep('series features and file');
    return {
      path,
      format,
      origin: params.origin,
      lastObservedDay: prepared.lastObservedDay,
      rows: prepared.rows,
      columns,
      seconds: (performance.now() - started) / 1000,
    };
  });
}

/**
 * COPY options per format. For Parquet, dictionary encoding is left to columns with few distinct values: most
 * feature columns are continuous, and trying a dictionary on each of them doubled the time of the write.
 */
const FILE_OPTIONS: Readonly<Record<FeatureFileFormat, string>> = {
  parquet: 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, DICTIONARY_SIZE_LIMIT 1, ROW_GROUP_SIZE 16384',
  csv: 'FORMAT csv, HEADER true',
};

/**
 * Registers the table function `name()`: the feature rows (store_nbr, item_nbr INTEGER, the features, and labels
 * and weight when asked for, FLOAT; NULL where a feature has no value), computed a data chunk at a time as the
 * reader asks for them, so that the whole matrix never exists at once. Returns the column count.
 */
function registerFeatureRows(db: DuckDbSession, name: string, featureRows: FeatureRows, labels: boolean): number {
  const floatColumns = [...FEATURE_NAMES, ...(labels ? [...LABEL_NAMES, 'weight'] : [])];
  const columns = [
    { name: 'store_nbr', type: duckDbTypeOf('int32') },
    { name: 'item_nbr', type: duckDbTypeOf('int32') },
    ...floatColumns.map((c) => ({ name: c, type: duckDbTypeOf('float32') })),
  ];
  const width = featureRows.width;
  const horizon = LABEL_NAMES.length;
  const batch = DUCKDB_VECTOR_SIZE;
  const labelValues = new Float32Array(batch * horizon);
  const labelColumn = new Float32Array(batch);
  const weight = new Float32Array(batch);
  const { storeNbr, itemNbr } = featureRows.keys;
  // The reader asks for a chunk from its own thread and writes it while this thread is idle. So the next batch
  // is computed right after a chunk is handed over, and the two overlap; the buffers take turns.
  const buffers = [new Float32Array(batch * width), new Float32Array(batch * width)];
  let ready: { readonly first: number; readonly values: Float32Array } | undefined;
  const compute = (from: number, values: Float32Array): void => {
    featureRows.fillColumns(from, Math.min(batch, featureRows.rows - from), values);
  };
  let first = 0;
  db.registerChunkSource(name, columns, {
    start: () => {
      first = 0;
      ready = undefined;
    },
    next: (chunk) => {
      const n = Math.min(batch, featureRows.rows - first);
      chunk.rowCount = n;
      if (n === 0) return;
      let values = ready?.first === first ? ready.values : undefined;
      if (!values) {
        values = buffers[0];
        compute(first, values);
      }
      writeColumn(chunk, 0, 'int32', storeNbr.subarray(first, first + n));
      writeColumn(chunk, 1, 'int32', itemNbr.subarray(first, first + n));
      for (let c = 0; c < width; c++) writeColumn(chunk, 2 + c, 'float32', values.subarray(c * n, (c + 1) * n), true);
      if (labels) {
        featureRows.fillLabels(first, n, labelValues, weight);
        const part = labelColumn.subarray(0, n);
        for (let h = 0; h < horizon; h++) {
          for (let r = 0; r < n; r++) part[r] = labelValues[r * horizon + h];
          writeColumn(chunk, 2 + width + h, 'float32', part);
        }
        writeColumn(chunk, 2 + width + horizon, 'float32', weight.subarray(0, n));
      }
      first += n;
      const following = first;
      const spare = values === buffers[0] ? buffers[1] : buffers[0];
      ready = undefined;
      if (following < featureRows.rows) {
        setImmediate(() => {
          if (first !== following) return;
          compute(following, spare);
          ready = { first: following, values: spare };
        });
      }
    },
  });
  return columns.length;
}

/** Rows of one DuckDB data chunk. */
const DUCKDB_VECTOR_SIZE = 2048;

/** The file format a feature file path asks for; a UsageError for anything but .parquet and .csv. */
export function featureFileFormat(path: string): FeatureFileFormat {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.csv$/i.test(path)) return 'csv';
  throw new UsageError(`--out ${path}: expected a file name ending in .parquet or .csv`);
}

async function withDatabase<T>(deps: FeatureDeps, work: (db: DuckDbSession) => Promise<T>): Promise<T> {
  const workDir = await createWorkDir(deps.cacheDir, 'features');
  let db: DuckDbSession | undefined;
  try {
    db = await DuckDbSession.open({
      memoryLimit: deps.duckdb?.memoryLimit ?? '4GB',
      threads: deps.duckdb?.threads ?? 2,
      tempDirectory: join(workDir, 'duckdb-tmp'),
    });
    return await work(db);
  } finally {
    db?.close();
    await removeWorkDir(workDir);
  }
}

function stepLogger(logger: Logger, origin: string): (step: string, detail?: Record<string, number | string>) => void {
  let last = performance.now();
  return (step, detail) => {
    const now = performance.now();
    logger.info({ origin, step, seconds: (now - last) / 1000, rssMB: Math.round(process.memoryUsage.rss() / 2 ** 20), ...detail }, `features: ${step}`);
    last = now;
  };
}
