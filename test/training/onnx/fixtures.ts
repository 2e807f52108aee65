/**
 * Shared helpers for the ONNX export suites: seeded data, the Python reference job (LightGBM and ONNX Runtime's
 * own Python packages), ONNX Runtime for Node, and LightGBM model text for hand-made trees.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { venvBin } from '../../../core/python-env.js';
import type { Matrix } from '../../../training/lightgbm/index.js';
import { seededRandom } from '../../support/seeded-random.js';

export { seededRandom };

/** Largest absolute difference between two equally long arrays (NaN anywhere makes it NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Number.NaN;
    max = Math.max(max, d);
  }
  return max;
}

/** Runs an ONNX model in onnxruntime-node on a float32 matrix; returns the first output's values and dims. */
export async function runOnnx(model: Uint8Array, matrix: Matrix): Promise<{ values: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', matrix.data, [matrix.nRows, matrix.nCols]) });
    const tensor = out[session.outputNames[0]];
    return { values: tensor.data as Float32Array, dims: tensor.dims };
  } finally {
    await session.release();
  }
}

/** What the reference script printed. */
export interface ReferenceReport {
  lightgbm_version: string;
  onnxruntime_version: string;
  onnx_version: string | null;
  tasks: Record<string, Record<string, unknown>>;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'onnx_reference.py');

/**
 * A scratch directory plus one Python reference process: write inputs with `floats`/`bytes`, queue tasks, `run()`
 * them (as often as needed, one interpreter for all), read outputs with `readF64`/`readF32`/`readText`;
 * `dispose()` ends the process and removes the directory.
 */
export class ReferenceJob {
  readonly dir = mkdtempSync(join(tmpdir(), 'shelfcast-onnx-ref-'));
  readonly tasks: Record<string, unknown>[] = [];
  #files = 0;
  #python: ChildProcessWithoutNullStreams | undefined;
  #answers: ((line: string) => void)[] = [];
  #stderr = '';

  /** Writes float32 values to a new file; returns its path. */
  floats(values: Float32Array): string {
    return this.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 'f32');
  }

  /** Writes bytes (or text) to a new file with the given extension; returns its path. */
  bytes(content: Uint8Array | string, ext: string): string {
    const path = join(this.dir, `in${this.#files++}.${ext}`);
    writeFileSync(path, content);
    return path;
  }

  /** A path in the scratch directory. */
  path(name: string): string {
    return join(this.dir, name);
  }

  #start(): ChildProcessWithoutNullStreams {
    const python = spawn(venvBin('python'), [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    python.stderr.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: python.stdout }).on('line', (line) => this.#answers.shift()?.(line));
    python.on('exit', (code) => {
      for (const answer of this.#answers.splice(0)) answer(JSON.stringify({ error: `python exited with ${code}: ${this.#stderr}` }));
    });
    return python;
  }

  /** Runs the queued tasks in the reference process and clears the queue. */
  async run(): Promise<ReferenceReport> {
    this.#python ??= this.#start();
    const line = await new Promise<string>((resolve) => {
      this.#answers.push(resolve);
      this.#python?.stdin.write(JSON.stringify({ tasks: this.tasks.splice(0) }) + '\n');
    });
    const report = JSON.parse(line) as ReferenceReport & { error?: string };
    if (report.error) throw new Error(`reference script: ${report.error}`);
    return report;
  }

  /** Raw little-endian float64 values of a file the script wrote. */
  readF64(path: string): Float64Array {
    const b = readFileSync(path);
    return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }

  /** Raw little-endian float32 values of a file the script wrote. */
  readF32(path: string): Float32Array {
    const b = readFileSync(path);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }

  /** A text file the script wrote. */
  readText(path: string): string {
    return readFileSync(path, 'utf8');
  }

  /** Ends the Python process (it exits when its stdin closes) and removes the scratch directory. */
  dispose(): void {
    this.#python?.stdin.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Interleaves per-booster prediction vectors into a row-major [rows × boosters] matrix. */
export function byRow(perBooster: readonly Float64Array[]): Float64Array {
  const k = perBooster.length;
  const rows = perBooster[0].length;
  const out = new Float64Array(rows * k);
  perBooster.forEach((p, j) => p.forEach((v, r) => (out[r * k + j] = v)));
  return out;
}

/** A hand-made tree with one numerical split on feature 0, in the terms of LightGBM's model text. */
export interface OneSplitTree {
  threshold: number;
  missingType: 'None' | 'Zero' | 'NaN';
  defaultLeft: boolean;
  leftValue: number;
  rightValue: number;
}

/** A hand-made tree that is a single leaf (what LightGBM keeps when a tree finds no split). */
export interface LeafOnlyTree {
  leafValue: number;
}

const MISSING_TYPE_CODE = { None: 0, Zero: 1, NaN: 2 } as const;

/**
 * LightGBM model text (the `tree` format LightGBM saves) for a one-feature regression model made of one-split
 * and single-leaf trees. decision_type bits: 1 categorical, 2 default left, (missing type) << 2. Doubles are
 * written in the shortest form that reads back to the same double.
 */
export function oneSplitModelText(trees: readonly (OneSplitTree | LeafOnlyTree)[]): string {
  const lines = [
    'tree',
    'version=v4',
    'num_class=1',
    'num_tree_per_iteration=1',
    'label_index=0',
    'max_feature_idx=0',
    'objective=regression',
    'feature_names=x',
    'feature_infos=[-1:1]',
    '',
  ];
  trees.forEach((t, i) => {
    if ('leafValue' in t) {
      lines.push(`Tree=${i}`, 'num_leaves=1', 'num_cat=0', 'split_feature=', 'split_gain=', 'threshold=', 'decision_type=',
        'left_child=', 'right_child=', `leaf_value=${String(t.leafValue)}`, 'leaf_weight=', 'leaf_count=1',
        'internal_value=', 'internal_weight=', 'internal_count=', 'is_linear=0', 'shrinkage=1', '', '');
      return;
    }
    const decisionType = (t.defaultLeft ? 2 : 0) | (MISSING_TYPE_CODE[t.missingType] << 2);
    lines.push(
      `Tree=${i}`,
      'num_leaves=2',
      'num_cat=0',
      'split_feature=0',
      'split_gain=1',
      `threshold=${String(t.threshold)}`,
      `decision_type=${decisionType}`,
      'left_child=-1',
      'right_child=-2',
      `leaf_value=${String(t.leftValue)} ${String(t.rightValue)}`,
      'leaf_weight=1 1',
      'leaf_count=1 1',
      'internal_value=0',
      'internal_weight=2',
      'internal_count=2',
      'is_linear=0',
      'shrinkage=1',
      '',
      '',
    );
  });
  lines.push('end of trees', '');
  return lines.join('\n');
}
