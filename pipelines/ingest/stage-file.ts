import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sqlIdent, sqlString, type DuckDbSession } from '../../core/duckdb-session.js';
import type { Logger } from '../../core/logger.js';
import { checkDuplicateKeys, checkReferences, checkValueRules, type CheckedFile, type KnownKeyCounts } from './check-values.js';
import { contentHashSql } from './content-hash.js';
import { linesOfRecords } from './csv-text.js';
import { hasDate, rulesFor } from './kind-rules.js';
import { loadTyped } from './load-typed.js';
import type { SourceFile } from './source-files.js';

/** Rows of one date of a partitioned kind, written as a local Parquet file ready to publish. */
export interface StagedPart {
  readonly date: string;
  readonly rows: number;
  readonly hash: string;
  readonly path: string;
}

/** A reference table written as one local Parquet file ready to publish. */
export interface StagedTable {
  readonly rows: number;
  readonly hash: string;
  readonly path: string;
}

/** First and last date of a file and how many distinct dates it holds. */
export interface DateSpan {
  readonly first: string;
  readonly last: string;
  readonly count: number;
}

/** One delivered file after validation, with its staged output in the work directory. */
export interface StagedFile {
  readonly file: SourceFile;
  readonly sha256: string;
  readonly rows: number;
  readonly dates: DateSpan | null;
  /** For train and test: one entry per date. */
  readonly parts: readonly StagedPart[];
  /** For the reference tables. */
  readonly table?: StagedTable;
}

/** Shared state for staging the files of one run. */
export interface StageContext {
  readonly db: DuckDbSession;
  readonly workDir: string;
  readonly threads: number;
  /** Turns a DuckDB hash sum into the tag stored in the ledger. */
  readonly hashTag: (sum: string) => string;
  readonly known: KnownKeyCounts;
  /** Each step of a file is logged with its duration: a full train file takes minutes. */
  readonly logger: Logger;
}

/**
 * Validates one delivered file completely and writes its staged form into the work directory (nothing in the
 * lake is touched): typed rows, value rules, known stores/items, unique keys, then sorted Parquet per date or
 * per table. Throws a DataError that names the file, the line and the column.
 */
export async function stageFile(ctx: StageContext, file: SourceFile, localPath: string, sha256: string, scanId: number): Promise<StagedFile> {
  const rules = rulesFor(file.kind);
  const stem = join(ctx.workDir, String(scanId).padStart(4, '0'));
  const typedPath = `${stem}-typed.parquet`;
  const typed = `read_parquet(${sqlString(typedPath)})`;
  const order = rules.sortBy.map(sqlIdent).join(', ');
  const hash = contentHashSql(file.kind);
  const step = stepLogger(ctx.logger, file.key);
  const inDeliveryOrder: CheckedFile = {
    name: file.key,
    typedPath,
    locate: file.format === 'csv' ? (r) => linesOfRecords(localPath, r) : async (r) => new Map(r.map((x) => [x, x + 1])),
  };

  if (!rules.partitioned) {
    const rows = await loadTyped(ctx.db, file, localPath, typedPath, scanId);
    step('read and typed', { rows });
    await checkValueRules(ctx.db, inDeliveryOrder, rules);
    await checkReferences(ctx.db, inDeliveryOrder, rules, ctx.known);
    await checkDuplicateKeys(ctx.db, inDeliveryOrder, rules.key, typed);
    step('values and keys checked');
    const path = `${stem}-${file.kind}.parquet`;
    await singleThreaded(ctx, () => ctx.db.run(`COPY (SELECT * FROM ${typed} ORDER BY ${order}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`));
    const stats = await ctx.db.row<{ n: string; h: string }>(`SELECT count(*) AS n, ${hash} AS h FROM ${typed}`);
    const dates = hasDate(file.kind) ? await dateSpan(ctx.db, typed) : null;
    await rm(typedPath);
    step('staged');
    return { file, sha256, rows, dates, parts: [], table: { rows: Number(stats?.n ?? 0), hash: ctx.hashTag(String(stats?.h)), path } };
  }

  // Sales and the promotion plan are large: read and sort in one pass, and check the sorted rows. Only when a
  // check finds a problem is the file read again in delivery order, so that the message can name its line.
  const rows = await loadTyped(ctx.db, file, localPath, typedPath, scanId, order);
  step('read, typed and sorted', { rows });
  const sorted: CheckedFile = { ...inDeliveryOrder, locate: () => Promise.reject(new DeliveryOrderNeeded()) };
  try {
    await checkValueRules(ctx.db, sorted, rules);
    await checkReferences(ctx.db, sorted, rules, ctx.known);
    await checkDuplicateKeys(ctx.db, sorted, rules.key, typed, sameColumns(rules.key, rules.sortBy));
  } catch (err) {
    if (!(err instanceof DeliveryOrderNeeded)) throw err;
    await loadTyped(ctx.db, file, localPath, typedPath, scanId);
    await checkValueRules(ctx.db, inDeliveryOrder, rules);
    await checkReferences(ctx.db, inDeliveryOrder, rules, ctx.known);
    await checkDuplicateKeys(ctx.db, inDeliveryOrder, rules.key, typed);
    throw new Error(`${file.key}: a check failed on the sorted rows but not in delivery order`, { cause: err });
  }
  const stats = await ctx.db.rows<{ d: string; n: string; h: string }>(
    `SELECT date::VARCHAR AS d, count(*) AS n, ${hash} AS h FROM ${typed} GROUP BY date ORDER BY date`,
  );
  step('values, keys and duplicates checked, dates hashed', { dates: stats.length });
  const partsDir = `${stem}-parts`;
  // One thread reading the sorted file in order writes every date as one file with one row group, so the bytes
  // depend only on the rows; a parallel partitioned write splits dates into files by timing.
  await singleThreaded(ctx, () =>
    ctx.db.run(
      `COPY (SELECT * FROM ${typed}) TO ${sqlString(partsDir)}
       (FORMAT parquet, PARTITION_BY (date), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'data', COMPRESSION zstd,
        ROW_GROUP_SIZE 4000000, OVERWRITE true)`,
    ),
  );
  const parts: StagedPart[] = [];
  for (const s of stats) {
    const dir = join(partsDir, `date=${s.d}`);
    const written = (await readdir(dir)).filter((n) => n.endsWith('.parquet'));
    if (written.length !== 1) throw new Error(`expected one Parquet file in ${dir}, found ${written.length}`);
    parts.push({ date: s.d, rows: Number(s.n), hash: ctx.hashTag(s.h), path: join(dir, written[0]) });
  }
  // Only the per-date files are needed from here on; a full train file's typed copy is gigabytes.
  await rm(typedPath);
  step('partitions written', { partitions: parts.length });
  const dates = parts.length ? { first: parts[0].date, last: parts[parts.length - 1].date, count: parts.length } : null;
  return { file, sha256, rows, dates, parts };
}

/** Raised by the locator of sorted rows: a line number needs the rows in delivery order. */
class DeliveryOrderNeeded extends Error {}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function stepLogger(logger: Logger, file: string): (step: string, fields?: Record<string, number>) => void {
  let last = performance.now();
  return (step, fields = {}) => {
    const now = performance.now();
    logger.info({ file, step, ...fields, seconds: Math.round((now - last) / 100) / 10 }, `ingest: ${file}: ${step}`);
    last = now;
  };
}

async function dateSpan(db: DuckDbSession, relation: string): Promise<DateSpan | null> {
  const r = await db.row<{ first: string | null; last: string | null; n: string }>(
    `SELECT min(date)::VARCHAR AS first, max(date)::VARCHAR AS last, count(DISTINCT date) AS n FROM ${relation}`,
  );
  return r?.first && r.last ? { first: r.first, last: r.last, count: Number(r.n) } : null;
}

async function singleThreaded(ctx: StageContext, work: () => Promise<void>): Promise<void> {
  await ctx.db.run('SET threads = 1');
  try {
    await work();
  } finally {
    await ctx.db.run(`SET threads = ${ctx.threads}`);
  }
}
