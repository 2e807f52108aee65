import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbSession, sqlString, type JsonValue } from '../../core/duckdb-session.js';

/** Runs one query against a local lake directory: `{train}` / `{test}` / `{items}`… in the SQL name staged data. */
export async function queryStaging<T extends Record<string, JsonValue>>(lakeDir: string, sql: string): Promise<T[]> {
  const spill = join(tmpdir(), `shelfcast-test-duckdb-${process.pid}`);
  const db = await DuckDbSession.open({ memoryLimit: '512MB', threads: 1, tempDirectory: spill });
  try {
    const text = sql.replace(/\{(\w+)\}/g, (_, kind: string) =>
      kind === 'train' || kind === 'test'
        ? `read_parquet(${sqlString(join(lakeDir, 'staging', kind, 'date=*', 'data.parquet'))}, hive_partitioning = false)`
        : `read_parquet(${sqlString(join(lakeDir, 'staging', kind, 'data.parquet'))})`,
    );
    return await db.rows<T>(text);
  } finally {
    db.close();
    await rm(spill, { recursive: true, force: true });
  }
}
