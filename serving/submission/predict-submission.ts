import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { DuckDbSession, sqlString } from '../../core/duckdb-session.js';
import { DataError, UsageError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { Lake } from '../../core/storage/lake.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import {
  addDays,
  buildFeatures,
  FEATURE_NAMES,
  isIsoDate,
  stagingTablesFromLake,
} from '../../pipelines/features/index.js';
import { loadTyped } from '../../pipelines/ingest/load-typed.js';
import { HORIZON_DAYS } from '../../pipelines/schema/kaggle-schema.js';
import { OnnxForecaster, readRunBundle, RUN_FILES } from '../../training/bundle/index.js';
import { readRunCategories } from '../model/run-feature-spec.js';

export interface PredictSubmissionOptions {
  /** A run directory written by `shelfcast train`. */
  readonly runDir: string;
  /** The Kaggle `test` file (CSV, optionally gzip, or Parquet): the rows to forecast and the promotion plan. */
  readonly testFile: string;
  readonly out: string;
  /** The first forecast day; by default the test file's first date. */
  readonly origin?: string;
}

export interface PredictSubmissionDeps {
  readonly lake: Lake;
  readonly cacheDir: string;
  readonly logger?: Logger;
}

/** What a submission holds. */
export interface SubmissionReport {
  readonly out: string;
  readonly runId: string;
  readonly origin: string;
  readonly rows: number;
  /** Store×item pairs in the test file, and how many of them had history (a feature row). */
  readonly pairs: number;
  readonly pairsWithHistory: number;
  /** Test rows of pairs without a sales row in the 365 days before the origin: forecast 0. */
  readonly coldStartRows: number;
  readonly seconds: number;
}

/**
 * Writes a Kaggle submission (`id,unit_sales`) for every row of a test file: the run's ONNX model on the
 * features at the origin (the test file serving as the promotion plan), expm1 of the forecast clipped at 0, and
 * 0 for pairs without history. The file appears complete or not at all.
 */
export async function predictSubmission(options: PredictSubmissionOptions, deps: PredictSubmissionDeps): Promise<SubmissionReport> {
  const started = performance.now();
  const logger = deps.logger ?? silentLogger;
  checkOutPath(options.out);
  if (!existsSync(options.testFile)) throw new UsageError(`--test ${options.testFile}: no such file`);
  const bundle = await readRunBundle(options.runDir);
  const categories = await readRunCategories(bundle);

  const workDir = await createWorkDir(deps.cacheDir, 'predict');
  const db = await DuckDbSession.open({ memoryLimit: '2GB', threads: 2, tempDirectory: join(workDir, 'duckdb-tmp') });
  const temp = join(dirname(options.out), `.${basename(options.out)}.${randomBytes(4).toString('hex')}.partial`);
  try {
    const plan = join(workDir, 'test.parquet');
    const format = /\.parquet$/i.test(options.testFile) ? 'parquet' : 'csv';
    const testKey = options.testFile;
    await loadTyped(db, { key: testKey, name: basename(testKey), kind: 'test', format, size: statSync(testKey).size }, testKey, plan, 1);
    await db.run(`CREATE TABLE test AS SELECT * FROM read_parquet(${sqlString(plan)})`);
    const origin = await checkTestRows(db, testKey, options.origin);

    // The lake's plans of past days (if any) and the test file as the plan of the forecast days.
    const tables = await stagingTablesFromLake(deps.lake, origin, { planDaysBefore: origin });
    const pastPlans = typeof tables.promotionPlan === 'string' ? [tables.promotionPlan] : (tables.promotionPlan ?? []);
    const features = await buildFeatures({ ...tables, promotionPlan: [...pastPlans, plan], promotionPlanDays: undefined }, { origin, categories }, { cacheDir: deps.cacheDir, logger: logger.child({}, { level: 'warn' }) });
    const forecaster = await OnnxForecaster.load(bundle.path(RUN_FILES.onnx), FEATURE_NAMES.length);
    let forecast: Float32Array;
    try {
      forecast = (await forecaster.predict(features.values, features.rows)).values;
    } finally {
      await forecaster.release();
    }
    const rowOfPair = new Map<number, number>();
    for (let r = 0; r < features.rows; r++) rowOfPair.set(pairKey(features.storeNbr[r], features.itemNbr[r]), r);

    const out = createWriteStream(temp);
    out.write('id,unit_sales\n');
    let rows = 0;
    let coldStartRows = 0;
    const pairs = new Set<number>();
    const sql = `SELECT id, store_nbr::INTEGER, item_nbr, date_diff('day', DATE ${sqlString(origin)}, date)::INTEGER FROM test ORDER BY id`;
    for await (const chunk of db.chunks(sql)) {
      const [ids, stores, items, days] = [0, 1, 2, 3].map((c) => chunk.getColumnVector(c));
      let text = '';
      for (let i = 0; i < chunk.rowCount; i++) {
        const key = pairKey(stores.getItem(i) as number, items.getItem(i) as number);
        pairs.add(key);
        const r = rowOfPair.get(key);
        let sales = 0;
        if (r === undefined) coldStartRows++;
        else sales = Math.max(0, Math.expm1(forecast[r * HORIZON_DAYS + (days.getItem(i) as number)]));
        text += `${String(ids.getItem(i))},${formatSales(sales)}\n`;
      }
      rows += chunk.rowCount;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished(out);
    await rename(temp, options.out);
    const pairsWithHistory = [...pairs].filter((k) => rowOfPair.has(k)).length;
    const report = { out: options.out, runId: bundle.manifest.runId, origin, rows, pairs: pairs.size, pairsWithHistory, coldStartRows, seconds: secondsSince(started) };
    logger.info(report, 'predict: submission written');
    return report;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    db.close();
    await removeWorkDir(workDir);
  }
}

/** The origin, after checking that ids are unique and every date falls in the 16 days from it. */
async function checkTestRows(db: DuckDbSession, file: string, asked: string | undefined): Promise<string> {
  if (asked !== undefined && !isIsoDate(asked)) throw new UsageError(`--origin ${JSON.stringify(asked)} is not a date: expected YYYY-MM-DD`);
  const summary = await db.row<{ n: string; first: string | null; ids: string }>(
    `SELECT count(*)::VARCHAR AS n, min(date)::VARCHAR AS first, count(DISTINCT id)::VARCHAR AS ids FROM test`,
  );
  if (!summary || summary.first === null) throw new DataError('the test file has no rows', { file });
  if (summary.ids !== summary.n) {
    const dup = await db.row<{ id: string }>(`SELECT id::VARCHAR AS id FROM test GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 1`);
    throw new DataError(`id ${dup?.id} appears more than once; every test row needs its own id`, { file, column: 'id' });
  }
  const missing = await db.row<{ id: string | null; column: string }>(
    `SELECT id::VARCHAR AS id, CASE WHEN date IS NULL THEN 'date' WHEN store_nbr IS NULL THEN 'store_nbr' ELSE 'item_nbr' END AS column
     FROM test WHERE id IS NULL OR date IS NULL OR store_nbr IS NULL OR item_nbr IS NULL LIMIT 1`,
  );
  if (missing) throw new DataError(`a row (id ${missing.id ?? 'empty'}) has no ${missing.id === null ? 'id' : missing.column}`, { file, column: missing.id === null ? 'id' : missing.column });
  const origin = asked ?? summary.first;
  const last = addDays(origin, HORIZON_DAYS - 1);
  const outside = await db.row<{ id: string; date: string }>(
    `SELECT id::VARCHAR AS id, date::VARCHAR AS date FROM test WHERE date < DATE ${sqlString(origin)} OR date > DATE ${sqlString(last)} ORDER BY id LIMIT 1`,
  );
  if (outside) {
    throw new DataError(`row id ${outside.id} has date ${outside.date}, outside the forecast days ${origin} … ${last} of origin ${origin}`, { file, column: 'date' });
  }
  return origin;
}

function checkOutPath(out: string): void {
  if (!/\.csv$/i.test(out)) throw new UsageError(`--out ${out}: expected a .csv file name`);
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out ${out}: directory ${dir} does not exist`);
}

/** One number per store×item pair (item numbers stay below 2^32). */
function pairKey(store: number, item: number): number {
  return store * 2 ** 32 + item;
}

/** Sales with at most 4 decimals and no trailing zeros, as Kaggle submissions usually are. */
function formatSales(x: number): string {
  return x === 0 ? '0' : String(Math.round(x * 1e4) / 1e4);
}

function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}
