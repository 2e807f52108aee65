/**
 * Benchmark: training through the koffi LightGBM binding vs. LightGBM's Python package, on the same matrix with
 * the same parameters, in one run. Timed on both sides: building the dataset from the in-memory float32 matrix,
 * then `rounds` boosting iterations. Prints a Markdown table (header and one row) with both wall times and the
 * ratio binding / Python; the goal is a ratio of at most 1.05.
 *
 *   node --import tsx bench/lightgbm-binding.ts [--rows 200000] [--cols 200] [--rounds 200] [--leaves 80]
 *     [--threads 2] [--repeats 1] [--seed 42] [--omp-wait-policy passive|active]
 *
 * With several repeats the two sides alternate and the medians are reported. OpenMP threads that spin at
 * barriers suffer badly when other processes take the cores, so run it on an otherwise idle machine (the load
 * average before and after is printed), or pass --omp-wait-policy passive, which both sides then use.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { venvBin } from '../core/python-env.js';
import { Booster, Dataset, LightGbmLibrary, type LightGbmParams } from '../training/lightgbm/index.js';

interface Timing {
  constructS: number;
  trainS: number;
  totalS: number;
}

const PEER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'peers', 'lightgbm_train.py');

function options() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '200000' },
      cols: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '200' },
      leaves: { type: 'string', default: '80' },
      threads: { type: 'string', default: '2' },
      repeats: { type: 'string', default: '1' },
      seed: { type: 'string', default: '42' },
      'omp-wait-policy': { type: 'string' },
    },
  });
  const waitPolicy = values['omp-wait-policy'];
  if (waitPolicy !== undefined && waitPolicy !== 'passive' && waitPolicy !== 'active') {
    throw new Error('--omp-wait-policy must be passive or active');
  }
  const n = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    rows: n('rows'),
    cols: n('cols'),
    rounds: n('rounds'),
    leaves: n('leaves'),
    threads: n('threads'),
    repeats: n('repeats'),
    seed: n('seed'),
    waitPolicy,
  };
}

/** Seeded float32 regression data: ~3% NaN, ~10% exact zeros, label from a few columns plus noise. */
function makeData(rows: number, cols: number, seed: number): { x: Float32Array; y: Float32Array } {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let label = 0;
    for (let c = 0; c < cols; c++) {
      const u = random();
      const v = u < 0.03 ? Number.NaN : u < 0.13 ? 0 : random() * 4 - 2;
      x[base + c] = v;
      if (c < 10 && !Number.isNaN(v)) label += (c % 3 === 0 ? Math.sin(v) : v * v) / (c + 1);
    }
    y[r] = label + (random() - 0.5) * 0.3;
  }
  return { x, y };
}

function timeBinding(
  lib: LightGbmLibrary,
  x: Float32Array,
  y: Float32Array,
  rows: number,
  cols: number,
  params: LightGbmParams,
  rounds: number,
) {
  const start = performance.now();
  const train = Dataset.fromMatrix(lib, { data: x, nRows: rows, nCols: cols, labels: y, params });
  const built = performance.now();
  const booster = Booster.create({ params: { ...params, num_iterations: rounds }, train });
  try {
    for (let i = 0; i < rounds; i++) booster.updateOneIter();
    const done = performance.now();
    const timing: Timing = { constructS: (built - start) / 1e3, trainS: (done - built) / 1e3, totalS: (done - start) / 1e3 };
    return { timing, model: booster.saveModelToString() };
  } finally {
    booster.dispose();
    train.dispose();
  }
}

function timePython(dir: string, rows: number, cols: number, params: LightGbmParams, rounds: number) {
  const job = join(dir, 'job.json');
  const modelOut = join(dir, 'python-model.txt');
  const spec = { x: join(dir, 'x.f32'), y: join(dir, 'y.f32'), rows, cols, params, rounds, model_out: modelOut };
  writeFileSync(job, JSON.stringify(spec));
  const out = JSON.parse(execFileSync(venvBin('python'), [PEER_SCRIPT, job], { encoding: 'utf8' })) as {
    construct_s: number;
    train_s: number;
    total_s: number;
    lightgbm_version: string;
  };
  const timing: Timing = { constructS: out.construct_s, trainS: out.train_s, totalS: out.total_s };
  return { timing, model: readFileSync(modelOut, 'utf8'), version: out.lightgbm_version };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const o = options();
  const params: LightGbmParams = {
    objective: 'regression',
    num_leaves: o.leaves,
    learning_rate: 0.1,
    num_threads: o.threads,
    force_col_wise: true,
    deterministic: true,
    seed: o.seed,
    verbosity: -1,
  };
  // libgomp reads OMP_WAIT_POLICY when it is loaded, with the library below; the Python child inherits it.
  if (o.waitPolicy !== undefined) process.env.OMP_WAIT_POLICY = o.waitPolicy;
  const lib = LightGbmLibrary.open();
  const { x, y } = makeData(o.rows, o.cols, o.seed);
  const loadBefore = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'shelfcast-bench-lgbm-'));
  try {
    writeFileSync(join(dir, 'x.f32'), new Uint8Array(x.buffer));
    writeFileSync(join(dir, 'y.f32'), new Uint8Array(y.buffer));
    const ours: Timing[] = [];
    const peer: Timing[] = [];
    let sameModel = true;
    let version = '';
    for (let i = 0; i < o.repeats; i++) {
      // Alternate which side goes first, so neither always runs on a warmer machine.
      const runOurs = () => timeBinding(lib, x, y, o.rows, o.cols, params, o.rounds);
      const runPeer = () => timePython(dir, o.rows, o.cols, params, o.rounds);
      let a: ReturnType<typeof runOurs>;
      let b: ReturnType<typeof runPeer>;
      if (i % 2 === 0) {
        a = runOurs();
        b = runPeer();
      } else {
        b = runPeer();
        a = runOurs();
      }
      ours.push(a.timing);
      peer.push(b.timing);
      const show = (t: Timing) => `${t.totalS.toFixed(2)} s (build ${t.constructS.toFixed(2)} + boost ${t.trainS.toFixed(2)})`;
      console.error(
        `repeat ${i + 1}: binding ${show(a.timing)}, Python ${show(b.timing)}, ${i % 2 === 0 ? 'binding' : 'Python'} first`,
      );
      version = b.version;
      // The Python package appends its pandas categorical mapping to the C library's text.
      sameModel &&= b.model === `${a.model}\npandas_categorical:null\n`;
    }
    const oursTotal = median(ours.map((t) => t.totalS));
    const peerTotal = median(peer.map((t) => t.totalS));
    const policy = process.env.OMP_WAIT_POLICY ? `, OMP_WAIT_POLICY=${process.env.OMP_WAIT_POLICY}` : '';
    const label = `train ${o.rows}×${o.cols} f32, ${o.rounds} rounds, ${o.leaves} leaves, ${o.threads} threads${policy}`;
    console.log('| benchmark | binding (s) | Python lightgbm (s) | ratio binding/Python | same model |');
    console.log('| --- | ---: | ---: | ---: | --- |');
    console.log(
      `| ${label} | ${oursTotal.toFixed(2)} | ${peerTotal.toFixed(2)} | ${(oursTotal / peerTotal).toFixed(3)} ` +
        `| ${sameModel ? 'yes' : 'NO'} |`,
    );
    console.error(
      `load average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; ` +
        `lightgbm ${version}; ${o.repeats} repeat(s), medians. dataset build: binding ${median(ours.map((t) => t.constructS)).toFixed(2)} s, ` +
        `Python ${median(peer.map((t) => t.constructS)).toFixed(2)} s; boosting: binding ${median(ours.map((t) => t.trainS)).toFixed(2)} s, ` +
        `Python ${median(peer.map((t) => t.trainS)).toFixed(2)} s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
