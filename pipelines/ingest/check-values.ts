import { DataError } from '../../core/errors.js';
import { sqlIdent, sqlString, type DuckDbSession } from '../../core/duckdb-session.js';
import type { KindRules } from './kind-rules.js';

/** Maps 0-based data row indexes of the delivered file to the line numbers a person would look up. */
export type LocateRows = (rows: readonly number[]) => Promise<Map<number, number>>;

/** What a check needs to know about one file: its name, its typed rows and how to turn a row into a line. */
export interface CheckedFile {
  readonly name: string;
  /** Typed Parquet in delivery order: `file_row_number` is the row index in the delivered file. */
  readonly typedPath: string;
  readonly locate: LocateRows;
}

/** Row counts of the `known_stores` / `known_items` tables, for messages about unknown keys. */
export interface KnownKeyCounts {
  readonly stores: number;
  readonly items: number;
}

/** Checks every value rule of the kind; the earliest offending row in the file is reported. */
export async function checkValueRules(db: DuckDbSession, file: CheckedFile, rules: KindRules): Promise<void> {
  if (rules.rules.length === 0) return;
  const typed = `read_parquet(${sqlString(file.typedPath)})`;
  const firsts = await db.row<Record<string, string | null>>(
    `SELECT ${rules.rules.map((r, i) => `min(CASE WHEN ${r.bad} THEN file_row_number END) AS r${i}`).join(', ')} FROM ${typed}`,
  );
  let worst: { rule: number; row: number } | undefined;
  rules.rules.forEach((_, i) => {
    const row = firsts?.[`r${i}`];
    if (row !== null && row !== undefined && (!worst || Number(row) < worst.row)) worst = { rule: i, row: Number(row) };
  });
  if (!worst) return;
  const rule = rules.rules[worst.rule];
  const line = await lineOf(file, worst.row);
  const offending = await db.row<{ v: string | null; n: string }>(
    `SELECT (SELECT ${sqlIdent(rule.column)}::VARCHAR FROM ${typed} WHERE file_row_number = ${worst.row}) AS v,
            (SELECT count(*) FROM ${typed} WHERE ${rule.bad}) AS n`,
  );
  const count = Number(offending?.n ?? 1);
  const others = count > 1 ? ` (${count} rows break this rule)` : '';
  const message =
    offending?.v === null || offending?.v === undefined
      ? `${rule.column} ${rule.expectation}${others}`
      : `${rule.column} ${rule.expectation}, found ${offending.v}${others}`;
  throw new DataError(message, { file: file.name, line, column: rule.column });
}

/** Checks that every store and item the file names is in `known_stores` / `known_items`. */
export async function checkReferences(db: DuckDbSession, file: CheckedFile, rules: KindRules, known: KnownKeyCounts): Promise<void> {
  const typed = `read_parquet(${sqlString(file.typedPath)})`;
  for (const ref of rules.references) {
    const col = sqlIdent(ref.column);
    const found = await db.row<{ v: string | null; r: string | null; n: string }>(
      `SELECT arg_min(t.${col}, t.file_row_number)::VARCHAR AS v, min(t.file_row_number) AS r, count(DISTINCT t.${col}) AS n
       FROM ${typed} AS t WHERE NOT EXISTS (SELECT 1 FROM known_${ref.table} AS k WHERE k.${col} = t.${col})`,
    );
    if (found?.r === null || found?.r === undefined) continue;
    const line = await lineOf(file, Number(found.r));
    const noun = ref.table === 'stores' ? 'store' : 'item';
    const distinct = Number(found.n);
    const message =
      known[ref.table] === 0
        ? `${ref.column} ${found.v} is not a known ${noun}: no ${ref.table} table is loaded; deliver ${ref.table}.csv before or together with this file`
        : `${ref.column} ${found.v} is not a known ${noun} (not in the lake's ${ref.table} table nor in this run's ${ref.table} file)` +
          (distinct > 1 ? `; ${distinct} unknown ${ref.column} values in this file` : '');
    throw new DataError(message, { file: file.name, line, column: ref.column });
  }
}

/**
 * Finds two rows with the same key. `relation` may be any ordering of the file's rows, unless `sortedByKey`
 * says it is already sorted by the key: then equal keys are neighbours and one pass in scan order finds them.
 * Otherwise keys that start with `date` use a window per date, which is cheaper than a global GROUP BY. The
 * lines come from the typed file.
 */
export async function checkDuplicateKeys(
  db: DuckDbSession,
  file: CheckedFile,
  key: readonly string[],
  relation: string,
  sortedByKey = false,
): Promise<void> {
  if (key.length === 0) return;
  const cols = key.map(sqlIdent);
  let dup: Record<string, string> | undefined;
  if (sortedByKey) {
    // An empty OVER () keeps the scan order of the one sorted file (the session preserves insertion order).
    dup = await db.row<Record<string, string>>(
      `SELECT ${cols.map((c) => `${c}::VARCHAR AS ${c}`).join(', ')} FROM (
         SELECT ${cols.join(', ')}, ${cols.map((c, i) => `lag(${c}) OVER () AS p${i}`).join(', ')} FROM ${relation}
       ) WHERE ${cols.map((c, i) => `${c} = p${i}`).join(' AND ')} LIMIT 1`,
    );
  } else if (key.length > 1) {
    const [head, ...rest] = cols;
    const same = rest.map((c, i) => `${c} = p${i}`).join(' AND ');
    dup = await db.row<Record<string, string>>(
      `SELECT ${cols.map((c) => `${c}::VARCHAR AS ${c}`).join(', ')} FROM (
         SELECT ${cols.join(', ')}, ${rest.map((c, i) => `lag(${c}) OVER w AS p${i}`).join(', ')} FROM ${relation}
         WINDOW w AS (PARTITION BY ${head} ORDER BY ${rest.join(', ')})
       ) WHERE ${same} ORDER BY ALL LIMIT 1`,
    );
  } else {
    dup = await db.row<Record<string, string>>(
      `SELECT ${cols[0]}::VARCHAR AS ${cols[0]} FROM ${relation} GROUP BY ${cols[0]} HAVING count(*) > 1 ORDER BY ${cols[0]} LIMIT 1`,
    );
  }
  if (!dup) return;
  const typed = `read_parquet(${sqlString(file.typedPath)})`;
  const where = key.map((k) => `${sqlIdent(k)}::VARCHAR = ${sqlString(dup![k])}`).join(' AND ');
  const rows = (await db.rows<{ r: string }>(`SELECT file_row_number AS r FROM ${typed} WHERE ${where} ORDER BY r LIMIT 2`)).map((x) =>
    Number(x.r),
  );
  const lines = await file.locate(rows);
  const [first, second] = rows.map((r) => lines.get(r) ?? r + 1);
  const keyText = key.map((k) => `${k} ${dup![k]}`).join(', ');
  throw new DataError(`duplicate row for ${keyText}: lines ${first} and ${second} have the same (${key.join(', ')})`, {
    file: file.name,
    line: second,
  });
}

async function lineOf(file: CheckedFile, row: number): Promise<number> {
  return (await file.locate([row])).get(row) ?? row + 1;
}
