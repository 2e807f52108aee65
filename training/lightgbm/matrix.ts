import { TrainingError } from '../../core/errors.js';

/** A dense row-major float32 matrix; NaN marks a missing value. LightGBM reads `data` in place (no copy). */
export interface Matrix {
  data: Float32Array;
  nRows: number;
  nCols: number;
}

const INT32_MAX = 2 ** 31 - 1;

/** Throws a TrainingError naming `what` unless the matrix shape is a positive int32 pair matching `data`. */
export function checkMatrix(matrix: Matrix, what: string): void {
  const { data, nRows, nCols } = matrix;
  if (!(data instanceof Float32Array)) throw new TrainingError(`${what}: data must be a Float32Array`);
  for (const [name, value] of [['nRows', nRows], ['nCols', nCols]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > INT32_MAX) {
      throw new TrainingError(`${what}: ${name} must be an integer in 1..${INT32_MAX}, got ${value}`);
    }
  }
  if (data.length !== nRows * nCols) {
    throw new TrainingError(`${what}: data has ${data.length} values, expected nRows × nCols = ${nRows * nCols}`);
  }
}

/** Throws a TrainingError unless `values` (labels or weights) has one float32 per row. */
export function checkRowVector(values: Float32Array, nRows: number, what: string): void {
  if (!(values instanceof Float32Array)) throw new TrainingError(`${what} must be a Float32Array`);
  if (values.length !== nRows) {
    throw new TrainingError(`${what} has ${values.length} values, expected one per row (${nRows})`);
  }
}
