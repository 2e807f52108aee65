/**
 * End to end: 16 LightGBM boosters (one per horizon) trained by LightGBM's Python package on seeded data with NaN,
 * exact zeros and signed values, under each missing-value setting; exported to one ONNX model here; run by
 * onnxruntime-node and by Python's onnxruntime; compared with LightGBM's predictions on validation rows and on
 * rows placed exactly at and next to every split threshold the boosters use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingError } from '../../../core/errors.js';
import {
  decodeModel,
  exportBoostersToOnnx,
  floorToFloat32,
  nextDownFloat32,
  nextUpFloat32,
  parseLightGbmDump,
  predictWithTrees,
  ZERO_THRESHOLD,
  type LightGbmModel,
  type LightGbmNode,
} from '../../../training/onnx/index.js';
import { ReferenceJob, byRow, maxAbsDiff, runOnnx, seededRandom } from './fixtures.js';

const HORIZONS = 16;
const FEATURES = ['mean_7', 'std_14', 'diff_mean_30', 'promo_sum_14', 'class', 'day_1', 'decay_14', 'promo_sales_mean_14', 'noise_a', 'noise_b'];
const F = FEATURES.length;
const TOLERANCE = 1e-4; // DESIGN.md, Model bundle: ONNX and LightGBM agree to 1e-4

/** Missing-value settings: LightGBM's `use_missing` and `zero_as_missing`. */
const CONFIGS = {
  nan: { use_missing: true, zero_as_missing: false },
  zero: { use_missing: true, zero_as_missing: true },
  none: { use_missing: false, zero_as_missing: false },
} as const;
type ConfigName = keyof typeof CONFIGS;
const CONFIG_NAMES = Object.keys(CONFIGS) as ConfigName[];

const PARAMS = {
  objective: 'regression',
  num_leaves: 15,
  learning_rate: 0.15,
  min_data_in_leaf: 5,
  max_bin: 63,
  deterministic: true,
  force_row_wise: true,
  num_threads: 1,
  seed: 20240611,
  verbose: -1,
};
const ROUNDS = 25;

/** Feature rows shaped like shelfcast's: means and counts with many zeros, label codes, NaN for empty windows. */
function featureRows(nRows: number, random: () => number): Float32Array {
  const x = new Float32Array(nRows * F);
  const pick = (pNaN: number, pZero: number, value: () => number) => {
    const u = random();
    return u < pNaN ? Number.NaN : u < pNaN + pZero ? 0 : value();
  };
  for (let r = 0; r < nRows; r++) {
    const row = [
      pick(0.05, 0.25, () => random() * 6 - 3),
      pick(0, 0.15, () => random() * 5),
      pick(0.05, 0.1, () => random() * 4 - 2),
      Math.floor(random() * 15),
      Math.floor(random() * 31),
      pick(0, 0.4, () => Math.log1p(random() * 50)),
      pick(0.2, 0.1, () => random() * 8),
      pick(0.3, 0, () => random() * 3),
      pick(0.03, 0.05, () => random() * 4 - 2),
      pick(0.03, 0.05, () => random() * 4 - 2),
    ];
    x.set(row, r * F);
  }
  return x;
}

/** One label per horizon, each a different function of the features (NaN read as 0 or as a signal). */
function labels(x: Float32Array, nRows: number, random: () => number): Float32Array[] {
  return Array.from({ length: HORIZONS }, (_, h) => {
    const y = new Float32Array(nRows);
    for (let r = 0; r < nRows; r++) {
      const v = (c: number) => (Number.isNaN(x[r * F + c]) ? 0 : x[r * F + c]);
      y[r] =
        (1 + h / 8) * v(0) +
        0.5 * Math.sin(v(1) * (1 + h / 10)) +
        (v(3) > (h % 7) ? 1 : 0) +
        0.1 * (v(4) % (h + 2)) +
        (Number.isNaN(x[r * F + 7]) ? 0.3 * (h % 4) : 0.2 * v(7)) +
        (v(5) === 0 ? -0.5 : (0.1 * v(5) * h) / 15) +
        (Number.isNaN(x[r * F + 2]) ? 0.4 : 0.3 * v(2)) +
        0.2 * (random() - 0.5);
    }
    return y;
  });
}

/** Rows that stress the missing-value rules: all NaN, all zero, negative zero, values inside the zero band. */
function edgeRows(): Float32Array {
  const z = ZERO_THRESHOLD;
  const fills = [Number.NaN, 0, -0, Math.fround(1e-36), -z, nextUpFloat32(z), 1e-40];
  const x = new Float32Array(fills.length * F);
  fills.forEach((v, i) => x.fill(v, i * F, (i + 1) * F));
  return x;
}

function concatRows(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function collectThresholds(node: LightGbmNode, into: Map<number, Set<number>>): void {
  if (node.kind === 'leaf') return;
  if (!into.has(node.feature)) into.set(node.feature, new Set());
  into.get(node.feature)?.add(node.threshold);
  collectThresholds(node.left, into);
  collectThresholds(node.right, into);
}

function countNodes(node: LightGbmNode): { splits: number; leaves: number } {
  if (node.kind === 'leaf') return { splits: 0, leaves: 1 };
  const a = countNodes(node.left);
  const b = countNodes(node.right);
  return { splits: 1 + a.splits + b.splits, leaves: a.leaves + b.leaves };
}

/**
 * Rows at each threshold t: the largest float32 ≤ t, the float32s just above and below it, and t rounded to
 * nearest; first one feature at a time on a validation row, then many features at once.
 */
function thresholdRows(thresholds: Map<number, Set<number>>, base: Float32Array, random: () => number) {
  const near = new Map<number, number[]>();
  let roundedAbove = 0; // rows where rounding t to nearest float32 would send the row the wrong way
  for (const [feature, ts] of thresholds) {
    const values: number[] = [];
    for (const t of ts) {
      const f = floorToFloat32(t);
      values.push(f, nextUpFloat32(f), nextDownFloat32(f), Math.fround(t));
      if (Math.fround(t) > t) roundedAbove++;
    }
    near.set(feature, values);
  }
  const baseRows = base.length / F;
  const rows: number[] = [];
  const fromBase = () => Array.from(base.subarray(Math.floor(random() * baseRows) * F).subarray(0, F));
  for (const [feature, values] of near) {
    for (const v of values) {
      const row = fromBase();
      row[feature] = v;
      rows.push(...row);
    }
  }
  for (let i = 0; i < 1000; i++) {
    const row = fromBase();
    for (const [feature, values] of near) if (random() < 0.5) row[feature] = values[Math.floor(random() * values.length)];
    rows.push(...row);
  }
  return { data: new Float32Array(rows), roundedAbove };
}

interface ConfigResult {
  models: LightGbmModel[];
  bytes: Uint8Array;
  inMemory: Float64Array; // LightGBM's trained boosters on the validation rows, [rows × 16]
  lightgbm: Float64Array; // the boosters reloaded from model text, on validation + threshold rows
  pythonOnnx: Float32Array;
  pythonShape: number[];
  checker: string | null;
}

describe('exportBoostersToOnnx (16 horizons, LightGBM ↔ ONNX Runtime)', () => {
  const job = new ReferenceJob();
  const random = seededRandom(20240611);
  const train = featureRows(2000, random);
  const trainLabels = labels(train, 2000, random);
  const validation = concatRows(featureRows(500, random), edgeRows());
  const nValidation = validation.length / F;
  let all: { data: Float32Array; nRows: number; nCols: number };
  let roundedAbove = 0;
  let onnxVersion: string | null = null;
  const results = new Map<ConfigName, ConfigResult>();

  beforeAll(async () => {
    const xPath = job.floats(train);
    const labelPaths = trainLabels.map((y) => job.floats(y));
    const validationPath = job.floats(validation);
    for (const name of CONFIG_NAMES) {
      job.tasks.push({
        kind: 'train',
        id: name,
        x: xPath,
        rows: 2000,
        cols: F,
        feature_names: FEATURES,
        labels: labelPaths,
        params: { ...PARAMS, ...CONFIGS[name] },
        num_boost_round: ROUNDS,
        predict: { x: validationPath, rows: nValidation },
        out_prefix: job.path(`train-${name}`),
      });
    }
    await job.run();

    const thresholds = new Map<number, Set<number>>();
    const parsed = new Map<ConfigName, LightGbmModel[]>();
    for (const name of CONFIG_NAMES) {
      const models = Array.from({ length: HORIZONS }, (_, h) =>
        parseLightGbmDump(job.readText(job.path(`train-${name}.${h}.json`)), { source: `${name} h${h}` }),
      );
      parsed.set(name, models);
      for (const m of models) for (const tree of m.trees) collectThresholds(tree, thresholds);
    }
    const probes = thresholdRows(thresholds, validation, random);
    roundedAbove = probes.roundedAbove;
    const data = concatRows(validation, probes.data);
    all = { data, nRows: data.length / F, nCols: F };
    const allPath = job.floats(data);

    for (const name of CONFIG_NAMES) {
      const models = parsed.get(name) as LightGbmModel[];
      const bytes = exportBoostersToOnnx(models, { featureNames: FEATURES, producerVersion: 'test', metadata: { config: name } });
      const modelPath = job.bytes(bytes, 'onnx');
      job.tasks.push({
        kind: 'predict',
        id: `lgb-${name}`,
        models: Array.from({ length: HORIZONS }, (_, h) => job.path(`train-${name}.${h}.txt`)),
        x: allPath,
        rows: all.nRows,
        out_prefix: job.path(`reloaded-${name}`),
      });
      job.tasks.push({ kind: 'onnx', id: `ort-${name}`, model: modelPath, x: allPath, rows: all.nRows, cols: F, out: job.path(`ort-${name}.f32`) });
      results.set(name, {
        models,
        bytes,
        inMemory: byRow(Array.from({ length: HORIZONS }, (_, h) => job.readF64(job.path(`train-${name}.${h}.pred.f64`)))),
        lightgbm: new Float64Array(0),
        pythonOnnx: new Float32Array(0),
        pythonShape: [],
        checker: null,
      });
    }
    const report = await job.run();
    onnxVersion = report.onnx_version;
    for (const name of CONFIG_NAMES) {
      const r = results.get(name) as ConfigResult;
      r.lightgbm = byRow(Array.from({ length: HORIZONS }, (_, h) => job.readF64(job.path(`reloaded-${name}.${h}.pred.f64`))));
      r.pythonOnnx = job.readF32(job.path(`ort-${name}.f32`));
      const ort = report.tasks[`ort-${name}`] as { shape: number[]; checker: string | null };
      r.pythonShape = ort.shape;
      r.checker = ort.checker;
    }
  });
  afterAll(() => job.dispose());

  it('the data exercises every missing type and thresholds that round up to float32', () => {
    const kinds = (name: ConfigName) => {
      const seen = new Set<string>();
      const walk = (n: LightGbmNode): void => {
        if (n.kind === 'leaf') return;
        seen.add(`${n.missingType}/${n.defaultLeft ? 'left' : 'right'}`);
        walk(n.left);
        walk(n.right);
      };
      for (const m of results.get(name)?.models ?? []) m.trees.forEach(walk);
      return [...seen].sort();
    };
    expect(kinds('nan')).toEqual(expect.arrayContaining(['NaN/left', 'NaN/right', 'None/left']));
    expect(kinds('zero')).toEqual(expect.arrayContaining(['Zero/left', 'Zero/right']));
    expect(kinds('none').every((k) => k.startsWith('None/'))).toBe(true);
    expect(roundedAbove).toBeGreaterThan(50);
    expect(all.nRows).toBeGreaterThan(nValidation + 1000);
  });

  for (const name of CONFIG_NAMES) {
    describe(`${name}: use_missing=${CONFIGS[name].use_missing}, zero_as_missing=${CONFIGS[name].zero_as_missing}`, () => {
      it('LightGBM reloaded from model text predicts exactly as the trained boosters', () => {
        const r = results.get(name) as ConfigResult;
        expect(maxAbsDiff(r.lightgbm.subarray(0, nValidation * HORIZONS), r.inMemory)).toBe(0);
      });

      it('predictWithTrees reproduces LightGBM in double precision', () => {
        const r = results.get(name) as ConfigResult;
        const diff = maxAbsDiff(predictWithTrees(r.models, all), r.lightgbm);
        console.log(`[${name}] predictWithTrees vs LightGBM, ${all.nRows} rows × ${HORIZONS}: max |Δ| = ${diff.toExponential(3)}`);
        expect(diff).toBeLessThan(1e-9);
      });

      it(`onnxruntime-node matches LightGBM within ${TOLERANCE} on validation and threshold rows`, async () => {
        const r = results.get(name) as ConfigResult;
        const { values, dims } = await runOnnx(r.bytes, all);
        expect(dims).toEqual([all.nRows, HORIZONS]);
        const validationDiff = maxAbsDiff(values.subarray(0, nValidation * HORIZONS), r.lightgbm.subarray(0, nValidation * HORIZONS));
        const diff = maxAbsDiff(values, r.lightgbm);
        console.log(
          `[${name}] onnxruntime-node vs LightGBM: validation max |Δ| = ${validationDiff.toExponential(3)}, ` +
            `all ${all.nRows} rows max |Δ| = ${diff.toExponential(3)}`,
        );
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
        // Same engine, same bytes: the Python package agrees with the Node binding.
        expect(maxAbsDiff(values, r.pythonOnnx)).toBeLessThanOrEqual(1e-6);
      });

      it(`Python onnxruntime matches LightGBM within ${TOLERANCE}`, () => {
        const r = results.get(name) as ConfigResult;
        expect(r.pythonShape).toEqual([all.nRows, HORIZONS]);
        const diff = maxAbsDiff(r.pythonOnnx, r.lightgbm);
        console.log(`[${name}] Python onnxruntime vs LightGBM: max |Δ| = ${diff.toExponential(3)}`);
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
      });

      it('the model is one TreeEnsembleRegressor with 16 targets, node for node the boosters', () => {
        const r = results.get(name) as ConfigResult;
        const model = decodeModel(r.bytes) as any;
        expect(model.ir_version).toBe(8);
        expect(model.producer_name).toBe('shelfcast');
        expect(model.metadata_props).toEqual([{ key: 'config', value: name }]);
        expect(model.opset_import).toEqual(expect.arrayContaining([{ domain: 'ai.onnx.ml', version: 3 }]));
        const dims = (v: any) => v.type.tensor_type.shape.dim.map((d: any) => d.dim_value ?? d.dim_param);
        expect(model.graph.input.map((v: any) => [v.name, dims(v)])).toEqual([['features', ['N', F]]]);
        expect(model.graph.output.map((v: any) => [v.name, dims(v)])).toEqual([['predictions', ['N', HORIZONS]]]);
        const trees = model.graph.node.filter((n: any) => n.op_type === 'TreeEnsembleRegressor');
        expect(trees).toHaveLength(1);
        const attr = (n: string) => trees[0].attribute.find((a: any) => a.name === n);
        const text = (n: string) => new TextDecoder().decode(new Uint8Array(attr(n).s));
        expect(trees[0].domain).toBe('ai.onnx.ml');
        expect(attr('n_targets').i).toBe(HORIZONS);
        expect(text('aggregate_function')).toBe('SUM');
        expect(text('post_transform')).toBe('NONE');
        expect(attr('base_values').floats).toEqual(new Array(HORIZONS).fill(0));
        const total = r.models.flatMap((m) => m.trees.map(countNodes)).reduce((a, b) => ({ splits: a.splits + b.splits, leaves: a.leaves + b.leaves }));
        const modes = attr('nodes_modes').strings.map((s: number[]) => new TextDecoder().decode(new Uint8Array(s)));
        expect(modes.filter((m: string) => m === 'LEAF')).toHaveLength(total.leaves);
        expect(modes.filter((m: string) => m === 'BRANCH_LEQ')).toHaveLength(total.splits);
        expect(new Set(attr('target_ids').ints)).toEqual(new Set(Array.from({ length: HORIZONS }, (_, h) => h)));
        // Zero-as-missing splits read extra columns the graph prepares; the other settings need none.
        const pre = model.graph.node.filter((n: any) => n.op_type !== 'TreeEnsembleRegressor').map((n: any) => n.op_type);
        expect(pre).toEqual(name === 'zero' ? ['Gather', 'Abs', 'LessOrEqual', 'Where', 'Concat'] : []);
      });

      it('passes onnx.checker (when the onnx package is in the Python environment)', (ctx) => {
        const r = results.get(name) as ConfigResult;
        if (onnxVersion === null) {
          const note = 'the onnx package is not in the Python environment, so onnx.checker did not run; onnxruntime loading and running the model is the check';
          console.log(`[${name}] skipped: ${note}`);
          ctx.skip(note);
        }
        expect(r.checker).toBe('ok');
      });
    });
  }

  it('refuses boosters whose feature names differ from the ones given', () => {
    const models = results.get('nan')?.models as LightGbmModel[];
    const renamed = FEATURES.map((f, i) => (i === 4 ? 'family' : f));
    expect(() => exportBoostersToOnnx(models, { featureNames: renamed, producerVersion: 'test' })).toThrow(TrainingError);
    expect(() => exportBoostersToOnnx(models, { featureNames: renamed, producerVersion: 'test' })).toThrow(
      'booster 0: feature 4 is "class", expected "family"',
    );
    expect(() => exportBoostersToOnnx([], { featureNames: FEATURES, producerVersion: 'test' })).toThrow('no boosters to export');
  });
});
