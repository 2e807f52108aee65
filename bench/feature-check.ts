/**
 * Cross-check of two feature files of the same lake and origin, column by column: shelfcast's (`ours`) against
 * the pandas peer's. Both must have store_nbr, item_nbr and FEATURE_NAMES in that order and the same rows in the
 * same (store_nbr, item_nbr) order. A value agrees when both are missing (NULL or NaN), or both are present and
 * differ by at most float32 tolerance.
 *
 * Usage: node --import tsx bench/feature-check.ts OURS.parquet PEER.parquet
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDbSession, sqlIdent, sqlString } from '../core/duckdb-session.js';
import { FEATURE_NAMES } from '../pipelines/features/feature-spec.js';

/** |a − b| ≤ RELATIVE · max(1, |a|): a few float32 ulps (2^-23 ≈ 1.2e-7) for values computed in double. */
const RELATIVE = 1e-6;

export interface ColumnDifference {
  readonly column: string;
  /** Largest |ours − peer| where both have a value. */
  readonly maxAbs: number;
  /** Largest |ours − peer| / max(1, |ours|). */
  readonly maxRel: number;
  /** Rows where exactly one side is missing (NULL or NaN). */
  readonly missingMismatches: number;
  /** Rows beyond tolerance or with a missing mismatch. */
  readonly badRows: number;
  /** One disagreeing row, for a first look. */
  readonly example?: { readonly store_nbr: number; readonly item_nbr: number; readonly ours: number | null; readonly peer: number | null };
}

export interface CheckReport {
  readonly rows: { readonly ours: number; readonly peer: number };
  /** Problems with the shape: column names or order, row keys or order. Empty when the shapes agree. */
  readonly shapeProblems: readonly string[];
  /** Every feature column, worst first. */
  readonly columns: readonly ColumnDifference[];
  /** Whether every value agrees. */
  readonly agree: boolean;
}

/** Compares the two files; the shape first, then every feature column. */
export async function compareFeatureFiles(ours: string, peer: string): Promise<CheckReport> {
  const scratch = mkdtempSync(join(tmpdir(), 'feature-check-'));
  const db = await DuckDbSession.open({ memoryLimit: '4GB', threads: 2, tempDirectory: scratch });
  try {
    await db.run(`CREATE VIEW ours AS SELECT *, row_number() OVER () AS rn FROM read_parquet(${sqlString(ours)})`);
    await db.run(`CREATE VIEW peer AS SELECT *, row_number() OVER () AS rn FROM read_parquet(${sqlString(peer)})`);
    const rows = { ours: await countRows(db, 'ours'), peer: await countRows(db, 'peer') };
    const shapeProblems = [...(await columnProblems(db)), ...(await rowProblems(db, rows))];
    const columns = shapeProblems.length === 0 ? await columnDifferences(db) : [];
    return { rows, shapeProblems, columns, agree: shapeProblems.length === 0 && columns.every((c) => c.badRows === 0) };
  } finally {
    db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function countRows(db: DuckDbSession, view: string): Promise<number> {
  return Number((await db.row<{ n: string }>(`SELECT count(*) AS n FROM ${view}`))?.n);
}

async function columnProblems(db: DuckDbSession): Promise<string[]> {
  const expected = ['store_nbr', 'item_nbr', ...FEATURE_NAMES, 'rn'];
  const problems: string[] = [];
  for (const view of ['ours', 'peer']) {
    const names = (await db.rows<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${view})`)).map((r) => r.column_name);
    const first = expected.findIndex((name, i) => names[i] !== name);
    if (first >= 0 || names.length !== expected.length) {
      problems.push(`${view}: ${names.length - 1} columns; first difference from FEATURE_NAMES at ${first}: ${names[first]} (expected ${expected[first]})`);
    }
  }
  return problems;
}

async function rowProblems(db: DuckDbSession, rows: CheckReport['rows']): Promise<string[]> {
  if (rows.ours !== rows.peer) return [`row counts differ: ours ${rows.ours}, peer ${rows.peer}`];
  const [keys] = await db.rows<{ differing: string; unsorted: string }>(`
    SELECT count(*) FILTER (WHERE o.store_nbr <> p.store_nbr OR o.item_nbr <> p.item_nbr) AS differing,
           count(*) FILTER (WHERE o.prev_store IS NOT NULL AND (o.store_nbr, o.item_nbr) <= (o.prev_store, o.prev_item)) AS unsorted
    FROM (SELECT *, lag(store_nbr) OVER (ORDER BY rn) AS prev_store, lag(item_nbr) OVER (ORDER BY rn) AS prev_item FROM ours) o
    JOIN peer p USING (rn)`);
  const problems: string[] = [];
  if (Number(keys.differing) > 0) problems.push(`${keys.differing} rows have different (store_nbr, item_nbr) at the same position`);
  if (Number(keys.unsorted) > 0) problems.push(`ours: ${keys.unsorted} rows out of (store_nbr, item_nbr) order`);
  return problems;
}

/** SQL: the value, or NULL when it is NULL or NaN. */
const present = (expr: string): string => `CASE WHEN isnan(${expr}) THEN NULL ELSE ${expr} END`;

async function columnDifferences(db: DuckDbSession): Promise<ColumnDifference[]> {
  await db.run(`CREATE TEMP TABLE pairs AS SELECT o.store_nbr, o.item_nbr, ${FEATURE_NAMES.map(
    (name, i) => `${present(`o.${sqlIdent(name)}::DOUBLE`)} AS o${i}, ${present(`p.${sqlIdent(name)}::DOUBLE`)} AS p${i}`,
  ).join(', ')} FROM ours o JOIN peer p USING (rn)`);
  const bad = (i: number): string =>
    `(o${i} IS NULL) <> (p${i} IS NULL) OR abs(o${i} - p${i}) > ${RELATIVE} * greatest(1, abs(o${i}))`;
  const aggregates = FEATURE_NAMES.map(
    (_, i) =>
      `max(abs(o${i} - p${i})) AS abs${i}, max(abs(o${i} - p${i}) / greatest(1, abs(o${i}))) AS rel${i}, ` +
      `count(*) FILTER (WHERE (o${i} IS NULL) <> (p${i} IS NULL)) AS miss${i}, count(*) FILTER (WHERE ${bad(i)}) AS bad${i}`,
  );
  const [summary] = await db.rows<Record<string, number | string | null>>(`SELECT ${aggregates.join(', ')} FROM pairs`);
  const differences: ColumnDifference[] = [];
  for (const [i, column] of FEATURE_NAMES.entries()) {
    const badRows = Number(summary[`bad${i}`]);
    const example = badRows > 0 ? await exampleRow(db, i, bad(i)) : undefined;
    differences.push({
      column,
      maxAbs: Number(summary[`abs${i}`] ?? 0),
      maxRel: Number(summary[`rel${i}`] ?? 0),
      missingMismatches: Number(summary[`miss${i}`]),
      badRows,
      example,
    });
  }
  return differences.sort((a, b) => b.badRows - a.badRows || b.maxRel - a.maxRel);
}

async function exampleRow(db: DuckDbSession, i: number, condition: string): Promise<ColumnDifference['example']> {
  const row = await db.row<{ store_nbr: number; item_nbr: number; ours: number | null; peer: number | null }>(
    `SELECT store_nbr, item_nbr, o${i} AS ours, p${i} AS peer FROM pairs WHERE ${condition} ORDER BY store_nbr, item_nbr LIMIT 1`,
  );
  return row;
}

/** A readable report: the verdict, any shape problem, and the worst columns. */
export function formatCheckReport(report: CheckReport, worst = 10): string {
  const lines = [
    `cross-check: ${report.agree ? 'AGREE' : 'DISAGREE'} (${report.rows.ours} rows ours, ${report.rows.peer} peer; ` +
      `tolerance |a−b| ≤ ${RELATIVE}·max(1,|a|), missing = NULL or NaN on both sides)`,
    ...report.shapeProblems.map((p) => `  shape: ${p}`),
  ];
  const failing = report.columns.filter((c) => c.badRows > 0);
  if (report.columns.length > 0) lines.push(`  columns beyond tolerance: ${failing.length} of ${report.columns.length}; worst ${worst}:`);
  for (const c of report.columns.slice(0, worst)) {
    const example = c.example ? `, e.g. store ${c.example.store_nbr} item ${c.example.item_nbr}: ours ${c.example.ours}, peer ${c.example.peer}` : '';
    lines.push(`    ${c.column}: max abs ${c.maxAbs.toExponential(2)}, max rel ${c.maxRel.toExponential(2)}, missing mismatches ${c.missingMismatches}, bad rows ${c.badRows}${example}`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [ours, peer] = process.argv.slice(2);
  if (!ours || !peer) {
    console.error('usage: node --import tsx bench/feature-check.ts OURS.parquet PEER.parquet');
    process.exit(2);
  }
  const report = await compareFeatureFiles(ours, peer);
  console.log(formatCheckReport(report, 20));
  process.exit(report.agree ? 0 : 1);
}
