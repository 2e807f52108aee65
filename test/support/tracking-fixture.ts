import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MlflowClient } from '../../core/mlflow/mlflow-client.js';
import { projectRoot, venvBin } from '../../core/python-env.js';
import type { Lake } from '../../core/storage/lake.js';
import { championScorer, publishRun, type PublishResult } from '../../training/tracking/index.js';
import { trainRun, type TrainRunOptions, type TrainRunResult } from '../../training/train-run.js';
import type { TinyLake } from './tiny-lake.js';

/** Few rounds, two training origins, one thread: a tiny run in seconds. */
export const QUICK = { maxRounds: 40, earlyStoppingRounds: 10, trainingOrigins: 2, params: { num_threads: 1, learning_rate: 0.1, min_data_in_leaf: 20 } };

/** The same settings as CLI flags of `shelfcast train`. */
export const QUICK_FLAGS = ['--max-rounds', '40', '--early-stopping', '10', '--training-origins', '2', '--param', 'num_threads=1', '--param', 'learning_rate=0.1', '--param', 'min_data_in_leaf=20'];

/** Trains a quick run on a tiny lake. */
export function trainQuick(tiny: TinyLake, runId: string, overrides: Partial<TrainRunOptions> = {}): Promise<TrainRunResult> {
  return trainRun({ ...QUICK, ...overrides, runsDir: tiny.runsDir, runId }, { lake: tiny.lake, cacheDir: tiny.cacheDir });
}

/** Publishes a run directory with the real champion scorer on `lake`. */
export function publish(client: MlflowClient, dir: string, names: { experimentName: string; modelName: string }, lake: Lake, cacheDir: string): Promise<PublishResult> {
  return publishRun(dir, names, { client, scoreChampion: championScorer({ client, lake, cacheDir }), cacheDir });
}

/** What test/training/tracking/mlflow_readback.py reports. */
export interface ReadBack {
  readonly params: Record<string, string>;
  readonly metrics: Record<string, number>;
  readonly tags: Record<string, string>;
  readonly status: string;
  readonly curve_steps: number[];
  readonly version: { version: string; run_id: string; source: string; aliases: string[] };
  readonly files: string[];
  readonly flavors: string[];
  readonly output_shape: number[];
  readonly pyfunc_max_abs_diff: number;
}

/**
 * Reads a run and the model behind an alias back with MLflow's Python client, running the downloaded model on
 * `x` (rows × cols float32) with Python onnxruntime; returns the report and that output.
 */
export async function readBackWithPython(
  trackingUri: string,
  job: { runId: string; model: string; alias: string; curveKey: string; x: Float32Array; rows: number; cols: number },
  scratchDir: string,
): Promise<{ report: ReadBack; output: Float32Array }> {
  const x = join(scratchDir, 'x.f32');
  const out = join(scratchDir, 'out.f32');
  await writeFile(x, Buffer.from(job.x.buffer, job.x.byteOffset, job.x.byteLength));
  const spec = { run_id: job.runId, model: job.model, alias: job.alias, curve_key: job.curveKey, x, rows: job.rows, cols: job.cols, out };
  const script = join(projectRoot(), 'test', 'training', 'tracking', 'mlflow_readback.py');
  const { stdout } = await promisify(execFile)(venvBin('python'), [script, JSON.stringify(spec)], {
    env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri, PYTHONWARNINGS: 'ignore' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const bytes = await readFile(out);
  return { report: JSON.parse(stdout.trim().split('\n').at(-1)!) as ReadBack, output: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
}
