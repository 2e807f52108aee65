/**
 * The JSON dump parser on real dumps from LightGBM's Python package: models shelfcast exports, and models it must
 * refuse with an error that says what to change (categorical splits, linear trees, several classes, objectives
 * that transform the tree sum).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from '../../../core/errors.js';
import { exportBoostersToOnnx, parseLightGbmDump, type LightGbmNode } from '../../../training/onnx/index.js';
import { ReferenceJob, seededRandom } from './fixtures.js';

const ROWS = 400;
const COLS = 3;

const RUNS = {
  plain: { objective: 'regression' },
  categorical: { objective: 'regression', categorical_feature: [0] },
  linear: { objective: 'regression', linear_tree: true },
  multiclass: { objective: 'multiclass', num_class: 3 },
  poisson: { objective: 'poisson' },
  sqrt: { objective: 'regression', reg_sqrt: true },
  huber: { objective: 'huber' },
} as const;
type RunName = keyof typeof RUNS;

function leaves(node: LightGbmNode): number {
  return node.kind === 'leaf' ? 1 : leaves(node.left) + leaves(node.right);
}

describe('parseLightGbmDump', () => {
  const job = new ReferenceJob();
  const dumps = new Map<RunName, string>();

  beforeAll(async () => {
    const random = seededRandom(5);
    const x = new Float32Array(ROWS * COLS);
    const y = new Float32Array(ROWS);
    for (let r = 0; r < ROWS; r++) {
      const category = Math.floor(random() * 6);
      x.set([category, random() * 4 - 2, random() < 0.1 ? Number.NaN : random()], r * COLS);
      // Non-negative integers 0..2: a valid label for every objective above.
      y[r] = Math.min(2, Math.floor((category % 3) + (x[r * COLS + 1] > 1 ? 1 : 0)));
    }
    const xPath = job.floats(x);
    const yPath = job.floats(y);
    for (const [name, params] of Object.entries(RUNS)) {
      job.tasks.push({
        kind: 'train',
        id: name,
        x: xPath,
        rows: ROWS,
        cols: COLS,
        feature_names: null,
        labels: [yPath],
        params: { ...params, num_leaves: 7, min_data_in_leaf: 5, min_data_per_group: 5, cat_smooth: 1, verbose: -1, num_threads: 1, seed: 3 },
        num_boost_round: 5,
        predict: { x: xPath, rows: ROWS },
        out_prefix: job.path(name),
      });
    }
    await job.run();
    for (const name of Object.keys(RUNS) as RunName[]) dumps.set(name, job.readText(job.path(`${name}.0.json`)));
  });
  afterAll(() => job.dispose());

  it('reads a regression dump into typed trees that match the dump, from text or from the parsed object', () => {
    const text = dumps.get('plain') as string;
    const model = parseLightGbmDump(text, { source: 'plain' });
    const raw = JSON.parse(text);
    expect(model.featureNames).toEqual(['Column_0', 'Column_1', 'Column_2']);
    expect(model.objective).toBe('regression');
    expect(model.trees).toHaveLength(raw.tree_info.length);
    model.trees.forEach((tree, i) => expect(leaves(tree)).toBe(raw.tree_info[i].num_leaves));
    const root = model.trees[0];
    if (root.kind !== 'split') throw new Error('expected the first tree to split');
    expect(root.threshold).toBe(raw.tree_info[0].tree_structure.threshold);
    expect(root.feature).toBe(raw.tree_info[0].tree_structure.split_feature);
    expect(parseLightGbmDump(raw)).toEqual(model);
  });

  it('refuses categorical splits, naming the model and tree', () => {
    const dump = dumps.get('categorical') as string;
    expect(JSON.parse(dump).tree_info.some((t: { num_cat: number }) => t.num_cat > 0)).toBe(true);
    expect(() => parseLightGbmDump(dump, { source: 'h07' })).toThrow(TrainingError);
    expect(() => parseLightGbmDump(dump, { source: 'h07' })).toThrow(/^h07: tree \d+: \d+ categorical splits: shelfcast exports numerical splits only/);
  });

  it('refuses linear trees and multi-class models', () => {
    expect(() => parseLightGbmDump(dumps.get('linear'), { source: 'lin' })).toThrow(/^lin: tree 0, leaf \d+: linear-tree leaf/);
    expect(() => parseLightGbmDump(dumps.get('multiclass'), { source: 'mc' })).toThrow(
      'mc: 3 classes and 3 trees per iteration; only single-output models (regression) are supported',
    );
  });

  it('parses but will not export objectives whose predictions transform the tree sum', () => {
    for (const name of ['poisson', 'sqrt'] as const) {
      const model = parseLightGbmDump(dumps.get(name));
      expect(() => exportBoostersToOnnx([model], { featureNames: model.featureNames, producerVersion: 'test' })).toThrow(
        /^booster 0: objective "(poisson|regression sqrt)" transforms the tree sum/,
      );
    }
    const huber = parseLightGbmDump(dumps.get('huber'));
    expect(exportBoostersToOnnx([huber], { featureNames: huber.featureNames, producerVersion: 'test' }).length).toBeGreaterThan(100);
  });

  it('names the place of malformed input', () => {
    expect(() => parseLightGbmDump('{"name": "tree"', { source: 'h01' })).toThrow(/^h01: the model dump is not JSON/);
    const raw = JSON.parse(dumps.get('plain') as string);
    expect(() => parseLightGbmDump({ ...raw, tree_info: 'x' }, { source: 'h02' })).toThrow(/^h02: not a LightGBM JSON model dump: tree_info: /);
    raw.tree_info[1].tree_structure.missing_type = 'Sometimes';
    expect(() => parseLightGbmDump(raw, { source: 'h03' })).toThrow(/^h03: tree 1, split 0: missing_type: /);
    raw.tree_info[1].tree_structure.missing_type = 'NaN';
    raw.tree_info[1].tree_structure.split_feature = 9;
    expect(() => parseLightGbmDump(raw, { source: 'h04' })).toThrow('h04: tree 1, split 0: split_feature 9 is outside the model\'s 3 features');
  });
});
