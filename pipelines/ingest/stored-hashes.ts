import { sqlString, type DuckDbSession } from '../../core/duckdb-session.js';
import type { Lake } from '../../core/storage/lake.js';
import { contentHashSql } from './content-hash.js';
import type { Candidate } from './plan-publication.js';

/** Content hashes of objects already in the lake under the candidates' keys; unreadable objects are left out. */
export async function hashStoredObjects(
  db: DuckDbSession,
  lake: Lake,
  candidates: readonly Candidate[],
  hashTag: (sum: string) => string,
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const c of candidates) {
    try {
      const path = await lake.materialise(c.key);
      const r = await db.row<{ h: string }>(
        `SELECT ${contentHashSql(c.kind)} AS h FROM read_parquet(${sqlString(path)}, hive_partitioning = false)`,
      );
      if (r) hashes.set(c.key, hashTag(r.h));
    } catch {
      // An object that cannot be read is treated as absent: it gets rewritten (or, for a loaded train date, reported).
    }
  }
  return hashes;
}
