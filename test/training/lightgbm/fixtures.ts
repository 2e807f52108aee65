/**
 * Shared test data for the LightGBM binding suites: a seeded synthetic regression problem and a runner for the
 * Python reference script (LightGBM's own Python package on the same bytes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { venvBin } from '../../../core/python-env.js';
import type { LightGbmParams, Matrix } from '../../../training/lightgbm/index.js';
import { seededRandom } from '../../support/seeded-random.js';

/** A regression problem: features (some NaN, some exact zeros), labels and positive row weights. */
export interface Problem extends Matrix {
  labels: Float32Array;
  weights: Float32Array;
}

export { seededRandom };

/**
 * nRows × nCols float32 features: about 5% NaN and 10% exact zeros; the label depends non-linearly on the first
 * five columns (a NaN counts as 0 there) plus noise; weights are in [0.5, 2).
 */
export function syntheticProblem(nRows: number, nCols: number, seed: number): Problem {
  const random = seededRandom(seed);
  const data = new Float32Array(nRows * nCols);
  const labels = new Float32Array(nRows);
  const weights = new Float32Array(nRows);
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      const u = random();
      data[r * nCols + c] = u < 0.05 ? Number.NaN : u < 0.15 ? 0 : random() * 4 - 2;
    }
    const x = (c: number) => {
      const v = c < nCols ? data[r * nCols + c] : 0;
      return Number.isNaN(v) ? 0 : v;
    };
    labels[r] = 3 * x(0) + Math.sin(2 * x(1)) + x(2) * x(3) + (x(4) > 0.5 ? 2 : 0) + (random() - 0.5) * 0.5;
    weights[r] = 0.5 + 1.5 * random();
  }
  return { data, nRows, nCols, labels, weights };
}

/** Rows [start, end) of a problem, as views on the same memory. */
export function rowSlice(p: Problem, start: number, end: number): Problem {
  return {
    data: p.data.subarray(start * p.nCols, end * p.nCols),
    nRows: end - start,
    nCols: p.nCols,
    labels: p.labels.subarray(start, end),
    weights: p.weights.subarray(start, end),
  };
}

/** Parameters that make LightGBM bit-for-bit reproducible, with bagging and feature subsampling on. */
export const DETERMINISTIC: LightGbmParams = {
  objective: 'regression',
  metric: ['l2', 'l1'],
  learning_rate: 0.1,
  num_leaves: 15,
  min_data_in_leaf: 10,
  bagging_fraction: 0.8,
  bagging_freq: 1,
  feature_fraction: 0.8,
  deterministic: true,
  force_row_wise: true,
  num_threads: 1,
  seed: 20240611,
  verbosity: -1,
};

/** One training run for the Python reference. */
export interface ReferenceRun {
  id: string;
  train: Problem;
  useWeights: boolean;
  valid: { name: string; problem: Problem }[];
  params: LightGbmParams;
  numBoostRound: number;
  earlyStoppingRounds: number | null;
  firstMetricOnly?: boolean;
  predict: { matrix: Matrix; numIteration: number } | null;
}

/** What LightGBM's Python package produced for one run. */
export interface ReferenceResult {
  bestIteration: number;
  numTrees: number;
  evals: Record<string, Record<string, number[]>>;
  importanceGain: number[];
  modelText: string;
  predictions: Float64Array | null;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'lightgbm_reference.py');

/** Runs the reference script once for several runs (one interpreter start); returns results by run id. */
export function runPythonReference(runs: ReferenceRun[]): { version: string; results: Map<string, ReferenceResult> } {
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-lgbm-ref-'));
  try {
    let fileNo = 0;
    const write = (values: Float32Array): string => {
      const path = join(dir, `v${fileNo++}.f32`);
      writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      return path;
    };
    const specs = runs.map((run) => ({
      id: run.id,
      train: {
        x: write(run.train.data),
        y: write(run.train.labels),
        w: run.useWeights ? write(run.train.weights) : null,
        rows: run.train.nRows,
        cols: run.train.nCols,
      },
      valid: run.valid.map((v) => ({
        name: v.name,
        x: write(v.problem.data),
        y: write(v.problem.labels),
        w: run.useWeights ? write(v.problem.weights) : null,
        rows: v.problem.nRows,
      })),
      params: run.params,
      num_boost_round: run.numBoostRound,
      early_stopping_rounds: run.earlyStoppingRounds,
      first_metric_only: run.firstMetricOnly ?? false,
      predict: run.predict && {
        x: write(run.predict.matrix.data),
        rows: run.predict.matrix.nRows,
        num_iteration: run.predict.numIteration,
      },
      out_model: join(dir, `${run.id}.model.txt`),
      out_pred: run.predict ? join(dir, `${run.id}.pred.f64`) : null,
    }));
    const jobPath = join(dir, 'job.json');
    writeFileSync(jobPath, JSON.stringify({ runs: specs }));
    const stdout = execFileSync(venvBin('python'), [SCRIPT, jobPath], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const parsed = JSON.parse(stdout) as {
      lightgbm_version: string;
      runs: Record<string, { best_iteration: number; num_trees: number; evals: ReferenceResult['evals']; importance_gain: number[] }>;
    };
    const results = new Map<string, ReferenceResult>();
    for (const spec of specs) {
      const r = parsed.runs[spec.id];
      let predictions: Float64Array | null = null;
      if (spec.out_pred) {
        const bytes = readFileSync(spec.out_pred);
        predictions = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      }
      results.set(spec.id, {
        bestIteration: r.best_iteration,
        numTrees: r.num_trees,
        evals: r.evals,
        importanceGain: r.importance_gain,
        modelText: readFileSync(spec.out_model, 'utf8'),
        predictions,
      });
    }
    return { version: parsed.lightgbm_version, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * LightGBM's Python package appends this line (its pandas categorical mapping, none here) to the C library's
 * model text; the binding returns the C text itself.
 */
export const PYTHON_MODEL_FOOTER = '\npandas_categorical:null\n';

/** The C library's model text inside a string from the Python package's `model_to_string()`. */
export function withoutPythonFooter(pythonModel: string): string {
  if (!pythonModel.endsWith(PYTHON_MODEL_FOOTER)) throw new Error('unexpected footer in the Python model text');
  return pythonModel.slice(0, -PYTHON_MODEL_FOOTER.length);
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
