import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, DuckDBTableFunction, type DuckDBConnection } from '@duckdb/node-api';
import { duckDbTypeOf, writeColumn } from '../core/duckdb-columns.js';
import { sqlString } from '../core/duckdb-session.js';
import { StorageError } from '../core/errors.js';
import type { PredictionBatch, PredictionStore } from './prediction-store.js';

/** Rows of one DuckDB data chunk. */
const CHUNK_ROWS = 2048;

/**
 * The prediction log in a DuckDB file (table `predictions`). The file stays open, and locked, while the store
 * is: DuckDB allows one writing process at a time.
 */
export class DuckDbPredictionStore implements PredictionStore {
  readonly description: string;
  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  #pending: PredictionBatch | undefined;
  #next = 0;
  #closing: Promise<void> | undefined;
  #appending: Promise<unknown> = Promise.resolve();

  private constructor(path: string, instance: DuckDBInstance, connection: DuckDBConnection) {
    this.description = `DuckDB file ${path}`;
    this.#instance = instance;
    this.#connection = connection;
  }

  /** Opens (creating when missing) the file and its `predictions` table. */
  static async open(path: string): Promise<DuckDbPredictionStore> {
    const file = resolve(path);
    let instance: DuckDBInstance;
    try {
      mkdirSync(dirname(file), { recursive: true });
      instance = await DuckDBInstance.create(file, { threads: '1', autoinstall_known_extensions: 'false' });
    } catch (cause) {
      throw new StorageError(`cannot open the monitoring store ${file} (SHELFCAST_MONITORING_DB)`, { cause });
    }
    try {
      const connection = await instance.connect();
      await connection.run(CREATE_TABLE);
      const store = new DuckDbPredictionStore(file, instance, connection);
      store.#registerSource();
      return store;
    } catch (cause) {
      instance.closeSync();
      throw new StorageError(`cannot prepare the monitoring store ${file}`, { cause });
    }
  }

  /** Appends a batch in one INSERT; appends run one at a time (the table function reads one pending batch). */
  append(batch: PredictionBatch): Promise<void> {
    if (this.#closing) return Promise.reject(new StorageError(`${this.description} is closed`));
    const next = this.#appending.then(() => this.#append(batch));
    this.#appending = next.catch(() => undefined);
    return next;
  }

  async #append(batch: PredictionBatch): Promise<void> {
    if (batch.rows === 0) return;
    const stamps = batch.stamps
      .map((s, i) => `(${i}, ${sqlString(s.modelName)}, ${sqlString(s.modelVersion)}, ${sqlString(s.runId)}, DATE ${sqlString(s.origin)})`)
      .join(', ');
    this.#pending = batch;
    try {
      await this.#connection.run(`
        INSERT INTO predictions
        SELECT epoch_ms(p.served_at::BIGINT), p.store_nbr, p.item_nbr, (s.origin + p.horizon)::DATE, p.horizon::TINYINT,
               p.unit_sales, p.cold_start = 1, s.model_name, s.model_version, s.run_id, s.origin
        FROM pending_predictions() p
        JOIN (VALUES ${stamps}) s(stamp, model_name, model_version, run_id, origin) ON p.stamp = s.stamp`);
    } catch (cause) {
      throw new StorageError(`cannot append ${batch.rows} predictions to ${this.description}`, { cause });
    } finally {
      this.#pending = undefined;
    }
  }

  /** Waits for the appends already asked for, then closes the file; later appends are refused. */
  close(): Promise<void> {
    this.#closing ??= this.#appending.then(() => {
      this.#connection.closeSync();
      this.#instance.closeSync();
    });
    return this.#closing;
  }

  /** The table function `pending_predictions()`: the batch being appended, a chunk at a time. */
  #registerSource(): void {
    const columns = [
      ['served_at', 'float64'],
      ['store_nbr', 'int32'],
      ['item_nbr', 'int32'],
      ['horizon', 'int32'],
      ['unit_sales', 'float64'],
      ['cold_start', 'int32'],
      ['stamp', 'int32'],
    ] as const;
    const fn = DuckDBTableFunction.create({
      name: 'pending_predictions',
      bindFunction: (bind) => {
        for (const [name, type] of columns) bind.addResultColumn(name, duckDbTypeOf(type));
      },
      initFunction: () => {
        this.#next = 0;
      },
      mainFunction: (info, chunk) => {
        try {
          const b = this.#pending;
          const from = this.#next;
          const n = b ? Math.min(CHUNK_ROWS, b.rows - from) : 0;
          chunk.rowCount = n;
          if (!b || n === 0) return;
          const arrays = [b.servedAt, b.storeNbr, b.itemNbr, b.horizon, b.unitSales, b.coldStart, b.stamp];
          columns.forEach(([, type], c) => writeColumn(chunk, c, type, arrays[c].subarray(from, from + n) as never));
          this.#next = from + n;
        } catch (err) {
          info.setError(err instanceof Error ? err.message : String(err));
        }
      },
    });
    this.#connection.registerTableFunction(fn);
  }
}

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS predictions (
    served_at TIMESTAMP NOT NULL,
    store_nbr INTEGER NOT NULL,
    item_nbr INTEGER NOT NULL,
    date DATE NOT NULL,
    horizon TINYINT NOT NULL,
    unit_sales DOUBLE NOT NULL,
    cold_start BOOLEAN NOT NULL,
    model_name VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    origin DATE NOT NULL
  )`;
