import { DataError } from '../../core/errors.js';
import { KAGGLE_SCHEMA, type KaggleFileKind } from '../schema/kaggle-schema.js';

/**
 * Compares a file's column names with the contract of its kind; a DataError names the missing and the
 * unexpected columns and the expected list. `line` is 1 for a CSV header and absent for Parquet.
 */
export function checkColumns(kind: KaggleFileKind, file: string, actual: readonly string[], line?: number): void {
  const expected = KAGGLE_SCHEMA[kind].map((c) => c.name);
  const seen = new Set<string>();
  const repeated = actual.filter((name) => (seen.has(name) ? true : (seen.add(name), false)));
  const missing = expected.filter((name) => !seen.has(name));
  const extra = actual.filter((name) => !expected.includes(name));
  if (missing.length === 0 && extra.length === 0 && repeated.length === 0) return;
  const problems = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    extra.length ? `unexpected ${extra.map((n) => (n === '' ? '(empty name)' : n)).join(', ')}` : '',
    repeated.length ? `repeated ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  throw new DataError(
    `columns do not match the ${kind} contract: ${problems.join('; ')}; expected columns: ${expected.join(', ')}`,
    { file, line, column: missing[0] ?? extra[0] ?? repeated[0] },
  );
}
