import { TrainingError } from '../../core/errors.js';
import type { LightGbmModel, LightGbmNode } from './lightgbm-tree.js';
import { onnxSplit } from './onnx-split.js';

/** Node mode of ai.onnx.ml TreeEnsembleRegressor used here. */
export type TreeNodeMode = 'BRANCH_LEQ' | 'LEAF';

/**
 * The attributes of one ai.onnx.ml TreeEnsembleRegressor (aggregate SUM, post_transform NONE, base values 0) as
 * parallel arrays, plus the features whose zero-as-missing columns the ensemble reads.
 */
export interface TreeEnsemble {
  /** One target per booster: target k is booster k's prediction. */
  nTargets: number;
  /** Columns the ensemble input has: the features, then one zero-as-missing column per `zeroAsMissingFeatures` entry. */
  nInputColumns: number;
  /** Feature indices, ascending; the zero-as-missing column of `zeroAsMissingFeatures[j]` is column nFeatures + j. */
  zeroAsMissingFeatures: number[];
  nodesTreeIds: number[];
  nodesNodeIds: number[];
  nodesFeatureIds: number[];
  nodesModes: TreeNodeMode[];
  /** float32 values (0 for leaves). */
  nodesValues: number[];
  nodesTrueNodeIds: number[];
  nodesFalseNodeIds: number[];
  nodesMissingValueTracksTrue: number[];
  targetTreeIds: number[];
  targetNodeIds: number[];
  targetIds: number[];
  /** float32 leaf values. */
  targetWeights: number[];
}

function checkFeatureNames(models: readonly LightGbmModel[], featureNames: readonly string[]): void {
  models.forEach((model, k) => {
    const names = model.featureNames;
    if (names.length !== featureNames.length) {
      throw new TrainingError(`booster ${k} has ${names.length} features, expected ${featureNames.length}`);
    }
    const at = names.findIndex((name, i) => name !== featureNames[i]);
    if (at >= 0) {
      throw new TrainingError(`booster ${k}: feature ${at} is "${names[at]}", expected "${featureNames[at]}"`);
    }
  });
}

function collectZeroAsMissing(node: LightGbmNode, into: Set<number>): void {
  if (node.kind === 'leaf') return;
  if (node.missingType === 'Zero') into.add(node.feature);
  collectZeroAsMissing(node.left, into);
  collectZeroAsMissing(node.right, into);
}

/**
 * Lays out LightGBM boosters as one TreeEnsembleRegressor: every LightGBM tree becomes one ONNX tree (ids in
 * boosting order, booster after booster) whose leaves vote for the booster's target; every split becomes one
 * BRANCH_LEQ node (true = LightGBM's left) as `onnxSplit` decides. Node ids are pre-order, starting at 0 per tree.
 */
export function buildTreeEnsemble(models: readonly LightGbmModel[], featureNames: readonly string[]): TreeEnsemble {
  if (models.length === 0) throw new TrainingError('no boosters to export');
  checkFeatureNames(models, featureNames);
  const nFeatures = featureNames.length;
  const zeroSet = new Set<number>();
  for (const model of models) for (const tree of model.trees) collectZeroAsMissing(tree, zeroSet);
  const zeroAsMissingFeatures = [...zeroSet].sort((a, b) => a - b);
  const zeroColumn = new Map(zeroAsMissingFeatures.map((f, j) => [f, nFeatures + j]));

  const e: TreeEnsemble = {
    nTargets: models.length,
    nInputColumns: nFeatures + zeroAsMissingFeatures.length,
    zeroAsMissingFeatures,
    nodesTreeIds: [],
    nodesNodeIds: [],
    nodesFeatureIds: [],
    nodesModes: [],
    nodesValues: [],
    nodesTrueNodeIds: [],
    nodesFalseNodeIds: [],
    nodesMissingValueTracksTrue: [],
    targetTreeIds: [],
    targetNodeIds: [],
    targetIds: [],
    targetWeights: [],
  };

  let treeId = 0;
  models.forEach((model, target) => {
    for (const root of model.trees) {
      let nextId = 0;
      // Pre-order with explicit patching: a node's children ids are known once their subtrees are placed.
      const place = (node: LightGbmNode): number => {
        const id = nextId++;
        const at = e.nodesNodeIds.length;
        e.nodesTreeIds.push(treeId);
        e.nodesNodeIds.push(id);
        if (node.kind === 'leaf') {
          e.nodesFeatureIds.push(0);
          e.nodesModes.push('LEAF');
          e.nodesValues.push(0);
          e.nodesTrueNodeIds.push(0);
          e.nodesFalseNodeIds.push(0);
          e.nodesMissingValueTracksTrue.push(0);
          e.targetTreeIds.push(treeId);
          e.targetNodeIds.push(id);
          e.targetIds.push(target);
          e.targetWeights.push(Math.fround(node.value));
          return id;
        }
        const split = onnxSplit(node);
        e.nodesFeatureIds.push(split.readsZeroAsMissing ? (zeroColumn.get(node.feature) as number) : node.feature);
        e.nodesModes.push('BRANCH_LEQ');
        e.nodesValues.push(split.threshold);
        e.nodesMissingValueTracksTrue.push(split.missingTracksTrue ? 1 : 0);
        e.nodesTrueNodeIds.push(-1);
        e.nodesFalseNodeIds.push(-1);
        e.nodesTrueNodeIds[at] = place(node.left);
        e.nodesFalseNodeIds[at] = place(node.right);
        return id;
      };
      place(root);
      treeId++;
    }
  });
  return e;
}
