import { TrainingError } from '../../core/errors.js';
import type { LightGbmModel } from './lightgbm-tree.js';
import { ZERO_THRESHOLD } from './lightgbm-decision.js';
import {
  AttributeType,
  TensorDataType,
  encodeModel,
  type AttributeMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './onnx-proto.js';
import { buildTreeEnsemble, type TreeEnsemble } from './tree-ensemble.js';

/** ONNX IR version 8 (ONNX 1.13+): old enough for every onnxruntime that has ai.onnx.ml opset 3. */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset of the zero-as-missing preprocessing (LessOrEqual-16, Where-16). */
export const ONNX_OPSET = 17;
/** ai.onnx.ml opset: TreeEnsembleRegressor-3, run by onnxruntime's CPU provider for float input. */
export const ONNX_ML_OPSET = 3;

/** Objectives whose prediction is the raw tree sum (no output transform LightGBM would apply). */
const IDENTITY_OBJECTIVES = new Set(['regression', 'regression_l2', 'regression_l1', 'huber', 'fair', 'quantile', 'mape']);

/** Options of `exportBoostersToOnnx`. */
export interface OnnxExportOptions {
  /** Feature names in column order; every booster must have exactly these. */
  featureNames: readonly string[];
  /** Written as ModelProto.producer_version, e.g. the shelfcast version. */
  producerVersion: string;
  /** ModelProto.producer_name; "shelfcast" by default. */
  producerName?: string;
  /** GraphProto.name; "lightgbm_boosters" by default. */
  graphName?: string;
  /** Name of the float input [N, F]; "features" by default. */
  inputName?: string;
  /** Name of the float output [N, boosters]; "predictions" by default. */
  outputName?: string;
  /** ModelProto.model_version (an integer), if any. */
  modelVersion?: number;
  /** ModelProto.doc_string, if any. */
  docString?: string;
  /** ModelProto.metadata_props, e.g. run ids or the feature spec hash. */
  metadata?: Readonly<Record<string, string>>;
}

const utf8 = new TextEncoder();

function ints(name: string, values: number[]): AttributeMessage {
  return { name, type: AttributeType.INTS, ints: values };
}
function floats(name: string, values: number[]): AttributeMessage {
  return { name, type: AttributeType.FLOATS, floats: values };
}
function int(name: string, value: number): AttributeMessage {
  return { name, type: AttributeType.INT, i: value };
}
function str(name: string, value: string): AttributeMessage {
  return { name, type: AttributeType.STRING, s: utf8.encode(value) };
}
function strs(name: string, values: string[]): AttributeMessage {
  return { name, type: AttributeType.STRINGS, strings: values.map((v) => utf8.encode(v)) };
}

function floatMatrix(name: string, rows: string, cols: number): ValueInfoMessage {
  return {
    name,
    type: { tensor_type: { elem_type: TensorDataType.FLOAT, shape: { dim: [{ dim_param: rows }, { dim_value: cols }] } } },
  };
}

function checkObjective(model: LightGbmModel, k: number): void {
  const [name, ...rest] = model.objective.trim().split(/\s+/);
  if (!IDENTITY_OBJECTIVES.has(name) || rest.includes('sqrt')) {
    throw new TrainingError(
      `booster ${k}: objective "${model.objective}" transforms the tree sum, which the export does not reproduce; ` +
        `supported: ${[...IDENTITY_OBJECTIVES].join(', ')} (without reg_sqrt)`,
    );
  }
}

function treeEnsembleNode(e: TreeEnsemble, input: string, output: string): NodeMessage {
  return {
    name: 'lightgbm_trees',
    op_type: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    input: [input],
    output: [output],
    attribute: [
      int('n_targets', e.nTargets),
      str('aggregate_function', 'SUM'),
      str('post_transform', 'NONE'),
      floats('base_values', new Array<number>(e.nTargets).fill(0)),
      ints('nodes_treeids', e.nodesTreeIds),
      ints('nodes_nodeids', e.nodesNodeIds),
      ints('nodes_featureids', e.nodesFeatureIds),
      strs('nodes_modes', e.nodesModes),
      floats('nodes_values', e.nodesValues),
      ints('nodes_truenodeids', e.nodesTrueNodeIds),
      ints('nodes_falsenodeids', e.nodesFalseNodeIds),
      ints('nodes_missing_value_tracks_true', e.nodesMissingValueTracksTrue),
      ints('target_treeids', e.targetTreeIds),
      ints('target_nodeids', e.targetNodeIds),
      ints('target_ids', e.targetIds),
      floats('target_weights', e.targetWeights),
    ],
  };
}

/**
 * Nodes that append, for each feature some split treats with missing type Zero, a copy of the column in which
 * values LightGBM reads as zero (|x| ≤ ZERO_THRESHOLD) are NaN, so a plain NaN rule can send them the default way.
 */
function zeroAsMissingNodes(features: number[], input: string, output: string): { nodes: NodeMessage[]; initializer: TensorMessage[] } {
  const initializer: TensorMessage[] = [
    { name: 'zero_as_missing_columns', dims: [features.length], data_type: TensorDataType.INT64, int64_data: features },
    { name: 'lightgbm_zero_threshold', dims: [], data_type: TensorDataType.FLOAT, float_data: [ZERO_THRESHOLD] },
    { name: 'missing_value', dims: [], data_type: TensorDataType.FLOAT, float_data: [Number.NaN] },
  ];
  const node = (op: string, inputs: string[], out: string, attribute: AttributeMessage[] = []): NodeMessage => ({
    name: out,
    op_type: op,
    domain: '',
    input: inputs,
    output: [out],
    attribute,
  });
  const nodes = [
    node('Gather', [input, 'zero_as_missing_columns'], 'zero_as_missing_raw', [int('axis', 1)]),
    node('Abs', ['zero_as_missing_raw'], 'zero_as_missing_abs'),
    node('LessOrEqual', ['zero_as_missing_abs', 'lightgbm_zero_threshold'], 'zero_as_missing_is_zero'),
    node('Where', ['zero_as_missing_is_zero', 'missing_value', 'zero_as_missing_raw'], 'zero_as_missing_values'),
    node('Concat', [input, 'zero_as_missing_values'], output, [int('axis', 1)]),
  ];
  return { nodes, initializer };
}

/**
 * Exports LightGBM regression boosters (one per target, e.g. per forecast horizon) as one ONNX model: a float
 * input [N, F], a float output [N, boosters] whose column k is booster k's prediction, computed by one
 * ai.onnx.ml TreeEnsembleRegressor that reproduces LightGBM's decisions for every float32 input (NaN, zeros and
 * values at thresholds included). Returns the ModelProto bytes.
 *
 * @example
 * const models = dumps.map((d, h) => parseLightGbmDump(d, { source: `h${h}` }));
 * const bytes = exportBoostersToOnnx(models, { featureNames, producerVersion: '0.1.0' });
 */
export function exportBoostersToOnnx(models: readonly LightGbmModel[], options: OnnxExportOptions): Uint8Array {
  models.forEach(checkObjective);
  const ensemble = buildTreeEnsemble(models, options.featureNames);
  const nFeatures = options.featureNames.length;
  const inputName = options.inputName ?? 'features';
  const outputName = options.outputName ?? 'predictions';
  if (inputName === outputName) throw new TrainingError(`input and output are both named "${inputName}"`);

  const nodes: NodeMessage[] = [];
  const initializer: TensorMessage[] = [];
  let treeInput = inputName;
  if (ensemble.zeroAsMissingFeatures.length > 0) {
    treeInput = 'features_with_zero_as_missing';
    const pre = zeroAsMissingNodes(ensemble.zeroAsMissingFeatures, inputName, treeInput);
    nodes.push(...pre.nodes);
    initializer.push(...pre.initializer);
  }
  nodes.push(treeEnsembleNode(ensemble, treeInput, outputName));

  return encodeModel({
    ir_version: ONNX_IR_VERSION,
    opset_import: [
      { domain: '', version: ONNX_OPSET },
      { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET },
    ],
    producer_name: options.producerName ?? 'shelfcast',
    producer_version: options.producerVersion,
    ...(options.modelVersion !== undefined ? { model_version: options.modelVersion } : {}),
    ...(options.docString !== undefined ? { doc_string: options.docString } : {}),
    graph: {
      name: options.graphName ?? 'lightgbm_boosters',
      node: nodes,
      initializer,
      input: [floatMatrix(inputName, 'N', nFeatures)],
      output: [floatMatrix(outputName, 'N', ensemble.nTargets)],
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
}
