import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId, DOUBLE, FLOAT, INTEGER, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';

/**
 * Whole columns of a data chunk as typed arrays, one memory copy per column. The value-by-value accessors of
 * @duckdb/node-api cost a function call and a validity test per value, which is most of the time of moving tens
 * of millions of numbers in or out of DuckDB; the C API underneath exposes each vector's data as one buffer.
 */

/** Numeric column types that move as typed arrays, and the array each one fills. */
const COLUMN_TYPES = {
  int32: { type: INTEGER, id: DuckDBTypeId.INTEGER, array: Int32Array },
  float32: { type: FLOAT, id: DuckDBTypeId.FLOAT, array: Float32Array },
  float64: { type: DOUBLE, id: DuckDBTypeId.DOUBLE, array: Float64Array },
} as const;

export type NumericColumnType = keyof typeof COLUMN_TYPES;
type ArrayOf<T extends NumericColumnType> = { int32: Int32Array; float32: Float32Array; float64: Float64Array }[T];

/** The DuckDB type of a numeric column type. */
export function duckDbTypeOf(type: NumericColumnType): DuckDBType {
  return COLUMN_TYPES[type].type;
}

/**
 * Copies column `column` of a result chunk into `target` from index `at`. The column must have exactly the
 * given type and no NULL (cast or coalesce in the query): both are checked, so a changed query fails loudly
 * instead of reading bytes of another type.
 */
export function readColumn<T extends NumericColumnType>(chunk: DuckDBDataChunk, column: number, type: T, target: ArrayOf<T>, at = 0): void {
  const { id, array } = COLUMN_TYPES[type];
  const actual = chunk.getColumnVector(column).type.typeId;
  if (actual !== id) throw new TypeError(`column ${column} is ${DuckDBTypeId[actual]}, expected ${DuckDBTypeId[id]}`);
  const rows = chunk.rowCount;
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  const words = Math.ceil(rows / 64);
  const validity = duckdb.vector_get_validity(vector, words * 8);
  if (validity && hasInvalidRow(validity, rows)) throw new TypeError(`column ${column} holds NULL values`);
  const bytes = duckdb.vector_get_data(vector, rows * array.BYTES_PER_ELEMENT);
  target.set(new array(bytes.buffer as ArrayBuffer, bytes.byteOffset, rows) as never, at);
}

/**
 * Sets column `column` of a chunk being filled (e.g. a table function's output) to `values`, its row count long. With `nullWhereNaN`, NaN values
 * become NULL, the SQL form of a missing value.
 */
export function writeColumn<T extends NumericColumnType>(chunk: DuckDBDataChunk, column: number, type: T, values: ArrayOf<T>, nullWhereNaN = false): void {
  const rows = chunk.rowCount;
  if (values.length !== rows) throw new RangeError(`column ${column}: ${values.length} values for a chunk of ${rows} rows`);
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
  if (!nullWhereNaN || type === 'int32') return;
  let mask: Uint8Array | undefined;
  for (let i = 0; i < rows; i++) {
    if (values[i] === values[i]) continue;
    if (!mask) mask = new Uint8Array(Math.ceil(rows / 64) * 8).fill(0xff);
    mask[i >> 3] &= ~(1 << (i & 7));
  }
  if (!mask) return;
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer as ArrayBuffer, 0, mask.byteLength);
}

/** Whether any of the first `rows` bits of a validity mask (little-endian 64-bit words) is 0. */
function hasInvalidRow(validity: Uint8Array, rows: number): boolean {
  const full = rows >> 3;
  for (let i = 0; i < full; i++) if (validity[i] !== 0xff) return true;
  const rest = rows & 7;
  return rest > 0 && (validity[full] & ((1 << rest) - 1)) !== (1 << rest) - 1;
}
