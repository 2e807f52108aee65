import { TrainingError } from '../../core/errors.js';
import type { Matrix } from '../lightgbm/index.js';
import { OnnxForecaster } from './onnx-forecaster.js';

/** ONNX and LightGBM must agree this closely in log space (DESIGN.md, Model bundle). */
export const PARITY_TOLERANCE = 1e-4;

/** How the exported model compared with the boosters. */
export interface ParityReport {
  /** Rows compared: the validation rows plus an all-NaN and an all-zero row. */
  readonly rows: number;
  readonly rowsWithNaN: number;
  readonly rowsWithZero: number;
  readonly maxAbsDiff: number;
  readonly tolerance: number;
}

/**
 * Runs the ONNX model on `matrix` plus an all-missing and an all-zero row and compares with `expected`
 * (LightGBM's predictions for the same rows, rows × outputs, the two probe rows last). Throws a TrainingError
 * when the largest difference exceeds the tolerance.
 */
export async function checkOnnxParity(
  onnx: Uint8Array,
  matrix: Matrix,
  expectedFor: (probes: Matrix) => Float64Array,
  tolerance = PARITY_TOLERANCE,
): Promise<ParityReport> {
  const probes = withProbeRows(matrix);
  const expected = expectedFor(probes);
  const forecaster = await OnnxForecaster.load(onnx, matrix.nCols);
  try {
    const { values } = await forecaster.predict(probes.data, probes.nRows);
    if (values.length !== expected.length) {
      throw new TrainingError(`the ONNX model gave ${values.length} values where LightGBM gave ${expected.length}`);
    }
    let maxAbsDiff = 0;
    for (let i = 0; i < values.length; i++) {
      const d = Math.abs(values[i] - expected[i]);
      // NaN from either side is a disagreement, not a zero difference.
      maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
    }
    const report: ParityReport = { rows: probes.nRows, ...countSpecialRows(probes), maxAbsDiff, tolerance };
    if (!(maxAbsDiff <= tolerance)) {
      throw new TrainingError(`ONNX parity failed: max |ONNX − LightGBM| = ${maxAbsDiff.toExponential(3)} over ${probes.nRows} rows, allowed ${tolerance}`);
    }
    return report;
  } finally {
    await forecaster.release();
  }
}

/** The matrix followed by one row of NaN and one row of exact zeros. */
function withProbeRows(m: Matrix): Matrix {
  const data = new Float32Array((m.nRows + 2) * m.nCols);
  data.set(m.data);
  data.fill(Number.NaN, m.nRows * m.nCols, (m.nRows + 1) * m.nCols);
  return { data, nRows: m.nRows + 2, nCols: m.nCols };
}

function countSpecialRows(m: Matrix): { rowsWithNaN: number; rowsWithZero: number } {
  let rowsWithNaN = 0;
  let rowsWithZero = 0;
  for (let r = 0; r < m.nRows; r++) {
    const row = m.data.subarray(r * m.nCols, (r + 1) * m.nCols);
    if (row.some(Number.isNaN)) rowsWithNaN++;
    if (row.includes(0)) rowsWithZero++;
  }
  return { rowsWithNaN, rowsWithZero };
}
