import { sqlString, type DuckDbSession } from '../../core/duckdb-session.js';
import type { Lake } from '../../core/storage/lake.js';
import type { KnownKeyCounts } from './check-values.js';
import { tableKey } from './lake-layout.js';

/** Sizes of the known key tables, updated as a run stages stores and items. */
export type MutableKeyCounts = { -readonly [K in keyof KnownKeyCounts]: KnownKeyCounts[K] };

/** Fills `known_stores` / `known_items` from the lake's staged tables (empty when none is staged yet). */
export async function loadKnownKeys(db: DuckDbSession, lake: Lake): Promise<MutableKeyCounts> {
  await db.run('CREATE TABLE known_stores (store_nbr SMALLINT); CREATE TABLE known_items (item_nbr INTEGER)');
  const counts = { stores: 0, items: 0 };
  for (const kind of ['stores', 'items'] as const) {
    if (await lake.stat(tableKey(kind))) await addKnownKeys(db, counts, kind, await lake.materialise(tableKey(kind)));
  }
  return counts;
}

/** Adds the stores or items of a staged table to the known keys. */
export async function addKnownKeys(db: DuckDbSession, counts: MutableKeyCounts, kind: 'stores' | 'items', parquet: string): Promise<void> {
  const col = kind === 'stores' ? 'store_nbr' : 'item_nbr';
  await db.run(`INSERT INTO known_${kind} SELECT ${col} FROM read_parquet(${sqlString(parquet)})`);
  const r = await db.row<{ n: string }>(`SELECT count(DISTINCT ${col}) AS n FROM known_${kind}`);
  counts[kind] = Number(r?.n ?? 0);
}
