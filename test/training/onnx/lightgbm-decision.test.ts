/**
 * LightGBM's split rule at the edges (NaN, ±0, the ±1e-35 zero band, values next to thresholds, ±Infinity), on
 * hand-made one-split trees that LightGBM itself loads and predicts with. Tree i sends a row right with value 2^i
 * and left with 0, so a prediction spells out every tree's decision exactly, in double and in float32.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportBoostersToOnnx,
  floorToFloat32,
  goesLeft,
  nextDownFloat32,
  nextUpFloat32,
  parseLightGbmDump,
  predictWithTrees,
  ZERO_THRESHOLD,
  type LightGbmModel,
  type MissingType,
} from '../../../training/onnx/index.js';
import { ReferenceJob, byRow, oneSplitModelText, runOnnx, type LeafOnlyTree, type OneSplitTree } from './fixtures.js';

const z = ZERO_THRESHOLD;
const f07 = Math.fround(0.7);
const halfway = (f07 + nextUpFloat32(f07)) / 2; // a double exactly between two float32s

const THRESHOLDS = [-2.5, -1, 0.1, -0.1, 1 / 3, halfway, -halfway, 0, 1e-36, -1e-36, z, -z, 1e-35, -1e-35, 3e-35, -3e-35, 1e39, -1e39];

function probeValues(): number[] {
  const seen = new Map<string, number>();
  const add = (v: number) => seen.set(Object.is(v, -0) ? '-0' : String(v), v);
  const tiny = [z, nextUpFloat32(z), nextDownFloat32(z), Math.fround(1e-36), Math.fround(1e-40), 1.401298464324817e-45];
  for (const v of [Number.NaN, 0, -0, 1, -1, 3.4028234663852886e38, Number.POSITIVE_INFINITY, ...tiny]) {
    add(v);
    add(-v);
  }
  for (const t of THRESHOLDS) {
    const f = floorToFloat32(t);
    for (const v of [f, nextUpFloat32(f), nextDownFloat32(f), Math.fround(t)]) add(v);
  }
  return [...seen.values()];
}

const VARIANTS: { missingType: MissingType; defaultLeft: boolean }[] = (['None', 'Zero', 'NaN'] as const).flatMap((missingType) =>
  [true, false].map((defaultLeft) => ({ missingType, defaultLeft })),
);

function handMadeTrees(v: { missingType: MissingType; defaultLeft: boolean }): OneSplitTree[] {
  return THRESHOLDS.map((threshold, i) => ({ threshold, ...v, leftValue: 0, rightValue: 2 ** i }));
}

// One more model: a single-leaf tree (LightGBM's first tree when nothing splits carries the average) plus a split.
const LEAF_MODEL: (OneSplitTree | LeafOnlyTree)[] = [
  { leafValue: 0.25 },
  { threshold: 0.5, missingType: 'NaN', defaultLeft: true, leftValue: 0, rightValue: 2 },
];

describe('LightGBM decisions on hand-made splits', () => {
  const job = new ReferenceJob();
  const values = new Float32Array(probeValues());
  const matrix = { data: values, nRows: values.length, nCols: 1 };
  let models: LightGbmModel[];
  let lightgbm: Float64Array; // row-major [rows × models]

  beforeAll(async () => {
    const texts = [...VARIANTS.map((v) => oneSplitModelText(handMadeTrees(v))), oneSplitModelText(LEAF_MODEL)];
    const prefix = job.path('hand');
    job.tasks.push({ kind: 'predict', id: 'hand', models: texts.map((t) => job.bytes(t, 'txt')), x: job.floats(values), rows: values.length, out_prefix: prefix });
    await job.run();
    models = texts.map((_, k) => parseLightGbmDump(job.readText(`${prefix}.${k}.json`), { source: `hand-made ${k}` }));
    lightgbm = byRow(texts.map((_, k) => job.readF64(`${prefix}.${k}.pred.f64`)));
  });
  afterAll(() => job.dispose());

  it('LightGBM read the hand-made trees as written (thresholds, missing types, default directions)', () => {
    VARIANTS.forEach((v, k) => {
      const trees = models[k].trees;
      expect(trees).toHaveLength(THRESHOLDS.length);
      trees.forEach((tree, i) => {
        if (tree.kind !== 'split') throw new Error('expected a split');
        expect(tree.threshold).toBe(THRESHOLDS[i]);
        expect(tree.missingType).toBe(v.missingType);
        expect(tree.defaultLeft).toBe(v.defaultLeft);
      });
    });
    expect(models[VARIANTS.length].trees[0]).toEqual({ kind: 'leaf', value: 0.25 });
  });

  it('goesLeft and predictWithTrees give LightGBM’s exact predictions for every probe value', () => {
    const ours = predictWithTrees(models, matrix);
    const mismatches: string[] = [];
    for (let r = 0; r < matrix.nRows; r++) {
      for (let k = 0; k < models.length; k++) {
        const a = ours[r * models.length + k];
        const b = lightgbm[r * models.length + k];
        if (a !== b) mismatches.push(`x=${values[r]} model ${k}: ours ${a}, LightGBM ${b}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('the zero band and NaN rules are what LightGBM does (spot checks decoded from its predictions)', () => {
    const row = (x: number) => values.findIndex((v) => Object.is(v, x));
    const wentRight = (k: number, x: number, tree: number) => (lightgbm[row(x) * models.length + k] / 2 ** tree) % 2 >= 1;
    const none = VARIANTS.findIndex((v) => v.missingType === 'None' && v.defaultLeft);
    const zeroRight = VARIANTS.findIndex((v) => v.missingType === 'Zero' && !v.defaultLeft);
    const t0 = THRESHOLDS.indexOf(0);
    // 1e-36 reads as 0.0 (not compared as 1e-36): 0 <= 0 goes left.
    expect(wentRight(none, Math.fround(1e-36), t0)).toBe(false);
    expect(wentRight(none, nextUpFloat32(z), t0)).toBe(true);
    // NaN under missing type None is 0.0: left at threshold 0, right at threshold -1.
    expect(wentRight(none, Number.NaN, t0)).toBe(false);
    expect(wentRight(none, Number.NaN, THRESHOLDS.indexOf(-1))).toBe(true);
    // Zero as missing, default right: 0 goes right although 0 <= 0.1.
    expect(wentRight(zeroRight, 0, THRESHOLDS.indexOf(0.1))).toBe(true);
    expect(wentRight(zeroRight, Math.fround(0.05), THRESHOLDS.indexOf(0.1))).toBe(false);
    // A float32 that rounds 0.1 up is above 0.1: right (rounding the threshold to nearest would send it left).
    expect(Math.fround(0.1) > 0.1).toBe(true);
    expect(wentRight(none, Math.fround(0.1), THRESHOLDS.indexOf(0.1))).toBe(true);
    expect(goesLeft({ threshold: 0.1, missingType: 'None', defaultLeft: true }, Math.fround(0.1))).toBe(false);
  });

  it('the exported ONNX model gives LightGBM’s exact predictions in onnxruntime-node', async () => {
    const bytes = exportBoostersToOnnx(models, { featureNames: ['x'], producerVersion: 'test' });
    const { values: onnx, dims } = await runOnnx(bytes, matrix);
    expect(dims).toEqual([matrix.nRows, models.length]);
    const mismatches: string[] = [];
    for (let r = 0; r < matrix.nRows; r++) {
      for (let k = 0; k < models.length; k++) {
        const a = onnx[r * models.length + k];
        const b = lightgbm[r * models.length + k];
        if (a !== b) mismatches.push(`x=${values[r]} model ${k}: ONNX ${a}, LightGBM ${b}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
