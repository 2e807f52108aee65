import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KAGGLE_FILE_KINDS, KAGGLE_SCHEMA, type KaggleFileKind } from '../../../pipelines/schema/kaggle-schema.js';

/** A DuckDB database holding one generated directory, every file parsed with exactly the Kaggle column types. */
export interface KaggleDb {
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): void;
}

function columnsClause(kind: KaggleFileKind): string {
  return `{${KAGGLE_SCHEMA[kind].map((c) => `'${c.name}': '${c.type}'`).join(', ')}}`;
}

/** SQL that reads files of one kind strictly: no type sniffing, the header must be present. */
export function strictReadCsv(kind: KaggleFileKind, path: string): string {
  return `read_csv('${path}', header = true, auto_detect = false, delim = ',', quote = '"', columns = ${columnsClause(kind)})`;
}

/**
 * Loads `train`, `test`, `items`, `stores`, `oil`, `holidays_events`, `transactions` (and `daily`, with a
 * `filename` column, when the directory has daily drops) into tables of the same names.
 */
export async function openKaggleDir(dir: string, ext = '.csv'): Promise<KaggleDb> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const kind of KAGGLE_FILE_KINDS) {
    await connection.run(`CREATE TABLE ${kind} AS SELECT * FROM ${strictReadCsv(kind, join(dir, `${kind}${ext}`))}`);
  }
  if (existsSync(join(dir, 'daily'))) {
    const glob = join(dir, 'daily', `train_*${ext}`);
    await connection.run(
      `CREATE TABLE daily AS SELECT * FROM read_csv('${glob}', header = true, auto_detect = false, filename = true, columns = ${columnsClause('train')})`,
    );
  }
  return {
    async query<T>(sql: string): Promise<T[]> {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((row) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? Number(v) : v;
        return out as T;
      });
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
