import { DataError } from '../../core/errors.js';
import { sqlIdent, sqlString, type DuckDbSession } from '../../core/duckdb-session.js';
import { KAGGLE_SCHEMA, type ColumnType } from '../schema/kaggle-schema.js';
import { checkColumns } from './check-columns.js';
import { parseHeader, readFirstLine } from './csv-text.js';
import type { SourceFile } from './source-files.js';

/** How many rejected CSV lines DuckDB keeps per file: enough to report, bounded for a badly broken file. */
const REJECTS_LIMIT = 1000;

const TYPE_HINT: Record<ColumnType, string> = {
  DATE: 'a date as YYYY-MM-DD',
  DOUBLE: 'a number',
  BIGINT: 'an integer',
  INTEGER: 'an integer up to 2147483647',
  SMALLINT: 'an integer up to 32767',
  BOOLEAN: 'True, False or empty',
  VARCHAR: 'text',
};

/**
 * Reads one delivered file into a typed Parquet file (`out`) in the contract's column order. Without `orderBy`
 * the input row order is kept, so that row k of `out` is data record k of the file; with it (an SQL ORDER BY
 * list) the rows are sorted in the same pass, which is much cheaper than sorting afterwards. Column names and
 * unparsable values are DataErrors naming the file, line and column (for Parquet, which has no lines, the
 * 1-based row). Returns the number of rows.
 */
export async function loadTyped(
  db: DuckDbSession,
  file: SourceFile,
  localPath: string,
  out: string,
  scanId: number,
  orderBy?: string,
): Promise<number> {
  const order = orderBy ? ` ORDER BY ${orderBy}` : '';
  return file.format === 'csv' ? loadCsv(db, file, localPath, out, scanId, order) : loadParquet(db, file, localPath, out, order);
}

async function loadCsv(db: DuckDbSession, file: SourceFile, localPath: string, out: string, scanId: number, order: string): Promise<number> {
  const schema = KAGGLE_SCHEMA[file.kind];
  const headerLine = await readFirstLine(localPath);
  if (headerLine === undefined || headerLine.trim() === '') {
    throw new DataError(`the file is empty; expected a header line: ${schema.map((c) => c.name).join(',')}`, { file: file.key, line: 1 });
  }
  const header = parseHeader(headerLine);
  checkColumns(file.kind, file.key, header, 1);
  const typeOf = new Map(schema.map((c) => [c.name, c.type]));
  const columns = header.map((name) => `${sqlString(name)}: ${sqlString(typeOf.get(name)!)}`).join(', ');
  const rejects = `rejects_${scanId}`;
  const reader = `read_csv(${sqlString(localPath)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
      columns = {${columns}}, store_rejects = true, rejects_table = ${sqlString(rejects)},
      rejects_scan = ${sqlString(`rejects_scan_${scanId}`)}, rejects_limit = ${REJECTS_LIMIT})`;
  let rows: number;
  try {
    const r = await db.row<{ Count: string }>(
      `COPY (SELECT ${schema.map((c) => sqlIdent(c.name)).join(', ')} FROM ${reader}${order}) TO ${sqlString(out)} (FORMAT parquet)`,
    );
    rows = Number(r?.Count ?? 0);
  } catch (cause) {
    throw new DataError(`cannot read the file as CSV: ${firstLine(cause)}`, { file: file.key }, { cause });
  }
  const rejected = await db.rows<{ line: string; column_name: string | null; error_type: string; error_message: string }>(
    `SELECT line, column_name, error_type, error_message FROM ${rejects} ORDER BY line LIMIT 2`,
  );
  if (rejected.length > 0) {
    const total = Number((await db.row<{ n: string }>(`SELECT count(DISTINCT line) AS n FROM ${rejects}`))?.n ?? 0);
    const first = rejected[0];
    const more = total > 1 ? ` (${total >= REJECTS_LIMIT ? `${REJECTS_LIMIT} or more` : total} lines cannot be read)` : '';
    const column = first.column_name ?? undefined;
    throw new DataError(`${describeReject(first, column ? typeOf.get(column) : undefined)}${more}`, {
      file: file.key,
      line: Number(first.line),
      column,
    });
  }
  await db.run(`DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS rejects_scan_${scanId}`);
  return rows;
}

async function loadParquet(db: DuckDbSession, file: SourceFile, localPath: string, out: string, order: string): Promise<number> {
  const schema = KAGGLE_SCHEMA[file.kind];
  const source = `read_parquet(${sqlString(localPath)})`;
  let described: { column_name: string }[];
  try {
    described = await db.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${source}`);
  } catch (cause) {
    throw new DataError(`cannot read the file as Parquet: ${firstLine(cause)}`, { file: file.key }, { cause });
  }
  checkColumns(file.kind, file.key, described.map((d) => d.column_name));
  const badRows = schema
    .map((c) => `min(CASE WHEN ${sqlIdent(c.name)} IS NOT NULL AND TRY_CAST(${sqlIdent(c.name)} AS ${c.type}) IS NULL THEN file_row_number END) AS ${sqlIdent(c.name)}`)
    .join(', ');
  const firstBad = await db.row<Record<string, string | null>>(`SELECT ${badRows} FROM ${source}`);
  const offenders = schema
    .map((c) => ({ column: c, row: firstBad?.[c.name] }))
    .filter((o): o is { column: (typeof schema)[number]; row: string } => o.row !== null && o.row !== undefined)
    .sort((a, b) => Number(a.row) - Number(b.row));
  if (offenders.length > 0) {
    const { column, row } = offenders[0];
    const value = await db.row<{ v: string }>(
      `SELECT ${sqlIdent(column.name)}::VARCHAR AS v FROM ${source} WHERE file_row_number = ${Number(row)}`,
    );
    throw new DataError(`${JSON.stringify(value?.v)} is not ${TYPE_HINT[column.type]} (${column.type})`, {
      file: file.key,
      line: Number(row) + 1,
      column: column.name,
    });
  }
  const r = await db.row<{ Count: string }>(
    `COPY (SELECT ${schema.map((c) => `CAST(${sqlIdent(c.name)} AS ${c.type}) AS ${sqlIdent(c.name)}`).join(', ')} FROM ${source}${order})
     TO ${sqlString(out)} (FORMAT parquet)`,
  );
  return Number(r?.Count ?? 0);
}

function describeReject(reject: { error_type: string; error_message: string }, type: ColumnType | undefined): string {
  if (reject.error_type === 'CAST') {
    const value = /Could not convert string "(.*)" to/.exec(reject.error_message)?.[1];
    if (value !== undefined && type) return `"${value}" is not ${TYPE_HINT[type]} (${type})`;
  }
  return reject.error_message.split('\n')[0];
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
