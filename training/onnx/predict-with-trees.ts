import { TrainingError } from '../../core/errors.js';
import type { Matrix } from '../lightgbm/index.js';
import { goesLeft } from './lightgbm-decision.js';
import type { LightGbmModel, LightGbmNode } from './lightgbm-tree.js';

/** The leaf value one tree gives the row starting at `data[offset]`. */
export function predictTree(root: LightGbmNode, data: Float32Array, offset: number): number {
  let node = root;
  while (node.kind === 'split') {
    node = goesLeft(node, data[offset + node.feature]) ? node.left : node.right;
  }
  return node.value;
}

/**
 * Reference predictions in double precision, following LightGBM's rules node by node: row-major
 * [nRows × models.length], entry (r, k) = sum over booster k's trees in boosting order (as LightGBM adds them).
 */
export function predictWithTrees(models: readonly LightGbmModel[], matrix: Matrix): Float64Array {
  const { data, nRows, nCols } = matrix;
  if (data.length !== nRows * nCols) {
    throw new TrainingError(`matrix has ${data.length} values, expected nRows × nCols = ${nRows * nCols}`);
  }
  models.forEach((model, k) => {
    if (model.featureNames.length !== nCols) {
      throw new TrainingError(`booster ${k} reads ${model.featureNames.length} features, the matrix has ${nCols} columns`);
    }
  });
  const out = new Float64Array(nRows * models.length);
  for (let r = 0; r < nRows; r++) {
    const offset = r * nCols;
    for (let k = 0; k < models.length; k++) {
      let sum = 0;
      for (const tree of models[k].trees) sum += predictTree(tree, data, offset);
      out[r * models.length + k] = sum;
    }
  }
  return out;
}
