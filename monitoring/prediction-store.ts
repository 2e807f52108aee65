/** The model version and origin that served a prediction. */
export interface PredictionStamp {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly runId: string;
  /** YYYY-MM-DD. */
  readonly origin: string;
}

/**
 * Served forecasts, column by column: row i is (servedAt[i], storeNbr[i], itemNbr[i], origin + horizon[i],
 * unitSales[i], coldStart[i], stamps[stamp[i]]).
 */
export interface PredictionBatch {
  readonly rows: number;
  /** Milliseconds since the epoch. */
  readonly servedAt: Float64Array;
  readonly storeNbr: Int32Array;
  readonly itemNbr: Int32Array;
  /** Days after the origin, 0 … 15. */
  readonly horizon: Int32Array;
  readonly unitSales: Float64Array;
  /** 1 for a pair without recent history (forecast 0), else 0. */
  readonly coldStart: Int32Array;
  /** Index into `stamps`. */
  readonly stamp: Int32Array;
  readonly stamps: readonly PredictionStamp[];
}

/** Where served predictions are kept for monitoring: a DuckDB file by default, Postgres in production. */
export interface PredictionStore {
  /** Where it writes, for logs. */
  readonly description: string;
  /** Appends a batch in one transaction. */
  append(batch: PredictionBatch): Promise<void>;
  close(): Promise<void>;
}

/** Column names of the prediction log table, in order. */
export const PREDICTION_COLUMNS = [
  'served_at',
  'store_nbr',
  'item_nbr',
  'date',
  'horizon',
  'unit_sales',
  'cold_start',
  'model_name',
  'model_version',
  'run_id',
  'origin',
] as const;
