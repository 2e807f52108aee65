import { type DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { openInMemoryDuckDb, type DuckDbSettings, type JsonValue } from '../../core/duckdb-session.js';

/**
 * The in-memory DuckDB database of one feature build. Unlike DuckDbSession, which returns rows as JSON objects,
 * it reads and appends whole data chunks: the feature matrix moves between DuckDB and typed arrays column by
 * column (a Kaggle-size build moves ~10^8 values each way).
 */
export class FeatureDatabase {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens a fresh in-memory database with the same settings as DuckDbSession. */
  static async open(settings: DuckDbSettings): Promise<FeatureDatabase> {
    const { instance, connection } = await openInMemoryDuckDb(settings);
    return new FeatureDatabase(instance, connection);
  }

  /** Runs statements whose result is not needed. */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Runs a small query and returns its rows as JSON objects (BIGINT and DATE as strings). */
  async rows<T extends Record<string, JsonValue>>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as T[];
  }

  /**
   * A query's result chunk by chunk (at most 2048 rows each). The result is materialised first and its chunks
   * are read synchronously: a streamed result runs the query on the fetching thread only, and an asynchronous
   * fetch per chunk costs more than reading the chunk (17M rows are 8k chunks).
   */
  async *chunks(sql: string): AsyncGenerator<DuckDBDataChunk> {
    const result = await this.connection.run(sql);
    for (let i = 0; i < result.chunkCount; i++) yield result.getChunk(i);
  }

  /** An appender for a table of this database; the caller closes it. */
  async appender(table: string): Promise<DuckDBAppender> {
    return this.connection.createAppender(table);
  }

  /** Closes the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
