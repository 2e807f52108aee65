import { mkdirSync } from 'node:fs';
import { DuckDBInstance, DuckDBTableFunction, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';

/** Resource limits for one embedded DuckDB database. */
export interface DuckDbSettings {
  /** DuckDB memory_limit, e.g. '2GB': operators spill to `tempDirectory` beyond it. */
  readonly memoryLimit: string;
  readonly threads: number;
  /** Where spilled data goes; created when missing. */
  readonly tempDirectory: string;
}

/** A value as returned by `getRowObjectsJson`: BIGINT/HUGEINT and DATE come back as strings. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * One in-memory DuckDB database with one connection. Small results come back as rows in their JSON form, so
 * 64-bit integers stay exact (as strings) and dates are 'YYYY-MM-DD'; large ones move as whole data chunks
 * (`chunks`, `appender`), column by column into and out of typed arrays.
 */
export class DuckDbSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens a fresh in-memory database with the given limits. */
  static async open(settings: DuckDbSettings): Promise<DuckDbSession> {
    const { instance, connection } = await openInMemoryDuckDb(settings);
    return new DuckDbSession(instance, connection);
  }

  /** Runs statements whose result is not needed. */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Runs a query and returns all rows as plain objects. */
  async rows<T extends Record<string, JsonValue> = Record<string, JsonValue>>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as T[];
  }

  /** The first row of a query, or undefined when it returns none. */
  async row<T extends Record<string, JsonValue> = Record<string, JsonValue>>(sql: string): Promise<T | undefined> {
    return (await this.rows<T>(sql))[0];
  }

  /**
   * A query's result chunk by chunk (at most 2048 rows each). The result is materialised first and its chunks
   * are read synchronously: a streamed result runs the query on the fetching thread only, and an asynchronous
   * fetch per chunk costs more than reading the chunk (17M rows are 8k chunks).
   */
  async *chunks(sql: string): AsyncGenerator<DuckDBDataChunk> {
    yield* await this.materialize(sql);
  }

  /**
   * Runs a query to its end and returns the chunks of its result. Reading them is synchronous and needs no
   * engine thread, so a caller can start the next query first and read these while DuckDB works on it.
   */
  async materialize(sql: string): Promise<DuckDBDataChunk[]> {
    const result = await this.connection.run(sql);
    return Array.from({ length: result.chunkCount }, (_, i) => result.getChunk(i));
  }

  /** An appender for a table of this database; the caller closes it. */
  async appender(table: string): Promise<DuckDBAppender> {
    return this.connection.createAppender(table);
  }

  /**
   * Registers a table function `name()` whose rows are produced on demand: each scan starts with `start()`,
   * then `next(chunk)` sets the chunk's row count and fills its columns until it sets 0. A query reading it
   * (e.g. `COPY (FROM name()) TO …`) streams, so the rows never need to exist all at once. An error thrown by
   * `next` fails the query with its message.
   */
  registerChunkSource(
    name: string,
    columns: readonly { readonly name: string; readonly type: DuckDBType }[],
    source: { start(): void; next(chunk: DuckDBDataChunk): void },
  ): void {
    const fn = DuckDBTableFunction.create({
      name,
      bindFunction: (bind) => {
        for (const c of columns) bind.addResultColumn(c.name, c.type);
      },
      initFunction: () => source.start(),
      mainFunction: (info, chunk) => {
        try {
          source.next(chunk);
        } catch (err) {
          info.setError(err instanceof Error ? err.message : String(err));
        }
      },
    });
    this.connection.registerTableFunction(fn);
  }

  /** The engine version, e.g. 'v1.5.6'. */
  async version(): Promise<string> {
    const r = await this.row<{ v: string }>('SELECT version() AS v');
    return String(r?.v);
  }

  /** Closes the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Opens an in-memory DuckDB with shelfcast's settings and one connection: the limits given, input order kept
 * (row numbers in staged files map back to lines; tables created with ORDER BY scan in that order), and no
 * attempt to download extensions.
 */
export async function openInMemoryDuckDb(settings: DuckDbSettings): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  mkdirSync(settings.tempDirectory, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(settings.threads),
    memory_limit: settings.memoryLimit,
    temp_directory: settings.tempDirectory,
    preserve_insertion_order: 'true',
    enable_object_cache: 'true',
    // There is no network to fetch extensions from; fail fast instead of trying.
    autoinstall_known_extensions: 'false',
  });
  try {
    return { instance, connection: await instance.connect() };
  } catch (err) {
    instance.closeSync();
    throw err;
  }
}
