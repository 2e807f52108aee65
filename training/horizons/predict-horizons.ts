import { Booster, type LightGbmLibrary, type Matrix } from '../lightgbm/index.js';

/**
 * Predictions of one booster per horizon (from their model texts) for every row of `matrix`, as one
 * rows × horizons row-major array: the layout of the ONNX model's output.
 */
export function predictHorizons(library: LightGbmLibrary, modelTexts: readonly string[], matrix: Matrix): Float64Array {
  const horizons = modelTexts.length;
  const out = new Float64Array(matrix.nRows * horizons);
  modelTexts.forEach((text, h) => {
    const booster = Booster.fromModelString(library, text);
    try {
      const column = booster.predict(matrix);
      for (let r = 0; r < matrix.nRows; r++) out[r * horizons + h] = column[r];
    } finally {
      booster.dispose();
    }
  });
  return out;
}
