/** ONNX export of LightGBM boosters: one TreeEnsembleRegressor with one output per booster, LightGBM-exact. */
export { exportBoostersToOnnx, ONNX_IR_VERSION, ONNX_ML_OPSET, ONNX_OPSET } from './export-boosters-to-onnx.js';
export type { OnnxExportOptions } from './export-boosters-to-onnx.js';
export { floorToFloat32, isFloat32, nextDownFloat32, nextUpFloat32 } from './float32.js';
export { goesLeft, isLightGbmZero, ZERO_THRESHOLD } from './lightgbm-decision.js';
export type { LightGbmLeaf, LightGbmModel, LightGbmNode, LightGbmSplit, MissingType } from './lightgbm-tree.js';
export { onnxSplit } from './onnx-split.js';
export type { OnnxSplit } from './onnx-split.js';
export { decodeModel } from './onnx-proto.js';
export { parseLightGbmDump } from './parse-lightgbm-dump.js';
export type { ParseDumpOptions } from './parse-lightgbm-dump.js';
export { predictTree, predictWithTrees } from './predict-with-trees.js';
export { buildTreeEnsemble } from './tree-ensemble.js';
export type { TreeEnsemble, TreeNodeMode } from './tree-ensemble.js';
