import { sqlIdent } from '../../core/duckdb-session.js';
import { KAGGLE_SCHEMA, type KaggleFileKind } from '../schema/kaggle-schema.js';

/**
 * SQL aggregate for the content hash of a set of rows of one kind: the sum of DuckDB's row hash over all
 * columns. A sum does not depend on row order, so a partition and the rows it came from hash alike.
 */
export function contentHashSql(kind: KaggleFileKind): string {
  return `coalesce(sum(hash(${KAGGLE_SCHEMA[kind].map((c) => sqlIdent(c.name)).join(', ')})), 0)::VARCHAR`;
}

/**
 * A content hash as stored in the ledger. DuckDB's hash function may change between releases, so the engine
 * version is part of the value: hashes are only compared when they were made by the same version.
 */
export function contentHashTag(duckdbVersion: string, sum: string): string {
  return `duckdb-${duckdbVersion.replace(/^v/, '')}:${sum}`;
}

/** Whether two stored content hashes were computed by the same engine version (and so are comparable). */
export function sameHashScheme(a: string, b: string): boolean {
  return a.slice(0, a.indexOf(':')) === b.slice(0, b.indexOf(':'));
}
