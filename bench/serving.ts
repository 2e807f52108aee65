/**
 * Serving benchmark (issue: forecast serving API). In the same run, on loopback, it compares `shelfcast serve`
 * with `mlflow models serve` of the same run directory (an MLflow model: onnx and python_function flavors,
 * tensor signature float32 [N, 631] → [N, 16]):
 *
 * - single queries at N concurrent connections (autocannon, fixed duration after a warm-up): shelfcast answers
 *   GET /v1/forecast?store_nbr&item_nbr&date over many real (store, item, day) queries; MLflow answers
 *   POST /invocations of one feature row, `{"inputs": [[631 numbers]]}`, rows taken from the real feature matrix
 *   at the serving origin (built here with the feature builder, as a client of MLflow would have to);
 * - batches: shelfcast POST /v1/forecast of B queries against MLflow invocations of the same B rows, one
 *   connection, back to back;
 * - the whole 16-day forecast of every series: shelfcast's time from start to /readyz (it builds the features
 *   and scores every series while loading), and for reference MLflow scoring every series' row in batches,
 *   beside the time the feature build takes in the client.
 *
 * Non-2xx answers and socket errors count as errors; latency percentiles are over 2xx answers. Both servers run
 * in their own process groups on free loopback ports and are stopped (SIGTERM, then SIGKILL) however the run
 * ends. Results go to bench/out/serving.json and markdown tables on stdout; server logs to bench/out/serving-logs/.
 *
 * Usage: node --import tsx bench/serving.ts [--lake DIR] [--run DIR] [--connections N] [--duration S] [--warmup S]
 *          [--batches 1000,10000] [--batch-seconds S] [--full-batch N] [--mlflow-workers N] [--rate N] [--seed N]
 *   --lake            the ingested lake (default bench/out/lake-medium)
 *   --run             a run directory with an MLmodel file, or a directory of runs whose newest such run is used
 *                     (default bench/out/serving-runs)
 *   --connections     concurrent connections for single queries (default 50)
 *   --duration        seconds of each measured single-query run (default 20); --warmup seconds before it (default 5)
 *   --batches         batch sizes (default 1000,10000); --batch-seconds: about how long each batch run lasts (default 15)
 *   --full-batch      rows per MLflow request when scoring every series (default 10000)
 *   --mlflow-workers  uvicorn workers of `mlflow models serve` (default 1, MLflow's default)
 *   --rate            requests per second of an extra shelfcast single-query run at that steady rate (default 5000; 0 skips)
 */
import autocannon, { type Instance, type Result } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../core/config.js';
import { openLake } from '../core/storage/open-lake.js';
import { addDays, buildFeatures, FEATURE_NAMES, lastStagedSalesDay, stagingTablesFromLake, type FeatureTable } from '../pipelines/features/index.js';
import { readModelFeatureSpec } from '../training/tracking/index.js';
import { seededRandom } from '../core/seeded-random.js';

const OUT = join('bench', 'out');
const LOGS = join(OUT, 'serving-logs');
const WORK = join(OUT, 'serving-tmp');
const HOST = '127.0.0.1';
const HORIZON = 16;
const PYTHON_BIN = join('.venv', 'bin');
/**
 * Distinct single queries (shelfcast) and feature rows (MLflow) cycled through by the single-query runs. Every
 * connection encodes the whole list when it starts, so a long list makes the client, not the server, the
 * bottleneck of the first seconds.
 */
const SINGLE_QUERIES = 2_000;
const SINGLE_ROWS = 1_000;
const READY_TIMEOUT_MS = 10 * 60_000;
const STOP_GRACE_MS = 15_000;
/** Linux's USER_HZ, the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

interface Options {
  readonly lake: string;
  readonly run: string;
  readonly connections: number;
  readonly duration: number;
  readonly warmup: number;
  readonly batches: readonly number[];
  readonly batchSeconds: number;
  readonly fullBatch: number;
  readonly mlflowWorkers: number;
  /** Requests per second of the fixed-rate single-query run (shelfcast only; 0 skips it). */
  readonly rate: number;
  readonly seed: number;
}

function parseOptions(args: readonly string[]): Options {
  const value = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const whole = (flag: string, fallback: number): number => {
    const text = value(flag);
    const n = Number(text ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} ${text}: expected a whole number ≥ 1`);
    return n;
  };
  const batches = (value('--batches') ?? '1000,10000').split(',').map(Number);
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`--batches ${value('--batches')}: expected whole numbers ≥ 1, comma-separated`);
  const rate = Number(value('--rate') ?? 5_000);
  if (!Number.isInteger(rate) || rate < 0) throw new Error(`--rate ${value('--rate')}: expected a whole number ≥ 0`);
  return {
    lake: value('--lake') ?? join(OUT, 'lake-medium'),
    run: value('--run') ?? join(OUT, 'serving-runs'),
    connections: whole('--connections', 50),
    duration: whole('--duration', 20),
    warmup: whole('--warmup', 5),
    batches,
    batchSeconds: whole('--batch-seconds', 15),
    fullBatch: whole('--full-batch', 10_000),
    mlflowWorkers: whole('--mlflow-workers', 1),
    rate,
    seed: whole('--seed', 7),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Servers: own process groups, stopped on every way out.

interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly startedAt: number;
  readonly exited: Promise<string>;
}

/** Process groups started by this run and not yet seen gone. */
const groups = new Set<number>();

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0 as unknown as NodeJS.Signals);
}

process.on('exit', () => {
  for (const pgid of groups) killGroup(pgid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const pgid of groups) killGroup(pgid, 'SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

function startProcess(name: string, argv: readonly string[], env: NodeJS.ProcessEnv, port: number): ServerProcess {
  mkdirSync(LOGS, { recursive: true });
  const logFile = join(LOGS, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const startedAt = performance.now();
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${argv.join(' ')}`);
  groups.add(child.pid);
  const exited = new Promise<string>((done) => child.once('exit', (code, signal) => done(signal ?? `exit ${code}`)));
  return { name, url: `http://${HOST}:${port}`, child, logFile, startedAt, exited };
}

/** SIGTERM to the whole group, SIGKILL after a grace period or if any member outlives the leader. */
async function stopProcess(server: ServerProcess): Promise<void> {
  const pgid = server.child.pid!;
  if (!groupAlive(pgid)) {
    groups.delete(pgid);
    return;
  }
  killGroup(pgid, 'SIGTERM');
  const deadline = performance.now() + STOP_GRACE_MS;
  while (groupAlive(pgid) && performance.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) {
    console.error(`${server.name}: still running ${STOP_GRACE_MS / 1000} s after SIGTERM; SIGKILL`);
    killGroup(pgid, 'SIGKILL');
    while (groupAlive(pgid)) await sleep(50);
  }
  groups.delete(pgid);
}

function logTail(server: ServerProcess, lines = 15): string {
  return readFileSync(server.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Seconds from start until `path` answers 200; throws when the server exits or the timeout passes. */
async function waitReady(server: ServerProcess, path: string): Promise<number> {
  let exitedWith: string | undefined;
  void server.exited.then((how) => (exitedWith = how));
  while (performance.now() - server.startedAt < READY_TIMEOUT_MS) {
    if (exitedWith !== undefined) throw new Error(`${server.name} stopped (${exitedWith}) before it was ready:\n${logTail(server)}`);
    try {
      const res = await fetch(server.url + path, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return (performance.now() - server.startedAt) / 1000;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${server.name} not ready at ${path} after ${READY_TIMEOUT_MS / 1000} s:\n${logTail(server)}`);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/**
 * Calls `visit` for every live process of the group with its pid and the fields of /proc/<pid>/stat after the
 * command name (fields[0] is the state, fields[2] the group). A process that ends meanwhile is skipped.
 */
function forEachInGroup(pgid: number, visit: (pid: string, fields: readonly string[]) => void): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) visit(pid, fields);
    } catch {
      // the process ended meanwhile
    }
  }
}

/** Resident MB of every process in the group (a server and its workers), from /proc. */
function groupRssMb(pgid: number): number {
  let kb = 0;
  forEachInGroup(pgid, (pid) => {
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    kb += Number(rss?.[1] ?? 0);
  });
  return kb / 1024;
}

/** User plus system CPU seconds of every live process in the group (threads included), from /proc. */
function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  forEachInGroup(pgid, (_pid, fields) => (ticks += Number(fields[11]) + Number(fields[12])));
  return ticks / CLOCK_TICKS;
}

// ---------------------------------------------------------------------------------------------------------------
// Load generation.

interface LoadResult {
  readonly connections: number;
  readonly seconds: number;
  /** 2xx answers. */
  readonly ok: number;
  readonly non2xx: number;
  /** Socket errors and timeouts. */
  readonly socketErrors: number;
  /** 2xx answers per second. */
  readonly perSecond: number;
  /** Milliseconds, over 2xx answers. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly statusCodes: Record<string, number>;
  /** CPU seconds the server's process group used during the run, and per 2xx answer in ms: less sensitive than wall time to other load. */
  readonly serverCpuSeconds: number;
  readonly serverCpuMsPerAnswer: number;
}

interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly duration?: number;
  readonly amount?: number;
  /** Requests per second over all connections; by default each connection sends as soon as it is answered. */
  readonly overallRate?: number;
  readonly timeoutSeconds: number;
  /** The server's process group, whose CPU time is read around the run. */
  readonly pgid: number;
  readonly method: 'GET' | 'POST';
  /**
   * The requests, sent in turn by each connection. autocannon encodes each one once; building every request
   * anew (its setupRequest) cost the client as much CPU as the server, on the same two cores.
   */
  readonly requests: readonly { path: string; body?: Buffer }[];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One autocannon run; latencies are kept at full resolution (autocannon's own histogram rounds to whole ms). */
function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const cpuBefore = groupCpuSeconds(spec.pgid);
  return new Promise((done, fail) => {
    const instance: Instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...(spec.amount === undefined ? { duration: spec.duration } : { amount: spec.amount }),
        ...(spec.overallRate === undefined ? {} : { overallRate: spec.overallRate }),
        timeout: spec.timeoutSeconds,
        method: spec.method,
        headers: spec.method === 'POST' ? { 'content-type': 'application/json' } : {},
        requests: spec.requests.map(({ path, body }) => ({ method: spec.method, path, ...(body ? { body } : {}) })),
      },
      (err: Error | null, result: Result) => {
        if (err) return fail(err);
        const serverCpuSeconds = groupCpuSeconds(spec.pgid) - cpuBefore;
        const sorted = latencies.slice(0, n).sort();
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
        let sum = 0;
        for (const v of sorted) sum += v;
        done({
          connections: spec.connections,
          seconds: result.duration,
          ok: n,
          non2xx: result.non2xx,
          socketErrors: result.errors,
          perSecond: n / result.duration,
          p50: percentile(sorted, 50),
          p90: percentile(sorted, 90),
          p99: percentile(sorted, 99),
          max: sorted.length ? sorted[sorted.length - 1] : NaN,
          mean: n ? sum / n : NaN,
          statusCodes,
          serverCpuSeconds,
          serverCpuMsPerAnswer: n ? (serverCpuSeconds * 1000) / n : NaN,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      if (statusCode < 200 || statusCode > 299) return;
      if (n === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[n++] = ms;
    });
  });
}


// ---------------------------------------------------------------------------------------------------------------
// Inputs: real queries and real feature rows at the serving origin.

/** A float32 feature as JSON text Python's json reads back to the same float32 (NaN as Python writes it). */
function numberText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return String(Number(v.toPrecision(9)));
}

/** The MLflow request body for feature rows of a tensor-signature model: `{"inputs": [[…], …]}`. */
function mlflowBody(table: FeatureTable, rows: ArrayLike<number>): string {
  const width = table.featureNames.length;
  const parts: string[] = new Array(rows.length);
  const cells: string[] = new Array(width);
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i] * width;
    for (let c = 0; c < width; c++) cells[c] = numberText(table.values[base + c]);
    parts[i] = `[${cells.join(',')}]`;
  }
  return `{"inputs":[${parts.join(',')}]}`;
}

interface Query {
  readonly row: number;
  readonly horizon: number;
}

function drawQueries(rows: number, count: number, next: () => number): Query[] {
  return Array.from({ length: count }, () => ({ row: Math.floor(next() * rows), horizon: Math.floor(next() * HORIZON) }));
}

function shelfcastPath(table: FeatureTable, q: Query): string {
  return `/v1/forecast?store_nbr=${table.storeNbr[q.row]}&item_nbr=${table.itemNbr[q.row]}&date=${addDays(table.origin, q.horizon)}`;
}

function shelfcastBatchBody(table: FeatureTable, queries: readonly Query[]): string {
  return JSON.stringify({
    queries: queries.map((q) => ({ store_nbr: table.storeNbr[q.row], item_nbr: table.itemNbr[q.row], date: addDays(table.origin, q.horizon) })),
  });
}

/** The [rows][16] log forecasts of an MLflow answer (`predictions` is a matrix, or one named output holding it). */
function mlflowPredictions(answer: unknown): number[][] {
  const p = (answer as { predictions?: unknown }).predictions;
  if (Array.isArray(p)) return p as number[][];
  if (p && typeof p === 'object') {
    const values = Object.values(p);
    if (values.length === 1 && Array.isArray(values[0])) return values[0] as number[][];
  }
  throw new Error(`unexpected MLflow answer: ${JSON.stringify(answer).slice(0, 300)}`);
}

/** shelfcast's unit sales from a log forecast (serving/state/forecast-state.ts: expm1, clipped at 0, 4 decimals). */
function unitSalesOf(log: number): number {
  const sales = Math.expm1(log);
  return sales > 0 ? Math.round(sales * 1e4) / 1e4 : 0;
}

async function postJson(url: string, body: string): Promise<{ status: number; json: unknown; seconds: number }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  const seconds = (performance.now() - started) / 1000;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 500)}`);
  return { status: res.status, json, seconds };
}

// ---------------------------------------------------------------------------------------------------------------

/** The run to serve: `path` itself if it is an MLflow model, else its newest run directory that is one. */
function findRun(path: string): string {
  if (existsSync(join(path, 'MLmodel'))) return path;
  const runs = existsSync(path)
    ? readdirSync(path)
        .filter((d) => existsSync(join(path, d, 'MLmodel')) && existsSync(join(path, d, 'run.json')))
        .sort()
    : [];
  if (!runs.length) {
    throw new Error(
      `${path} holds no run directory with an MLmodel file; train one, e.g. node dist/cli/bin.js --lake LAKE train --no-track --max-rounds 60 --param learning_rate=0.1 --runs-dir ${path}`,
    );
  }
  return join(path, runs[runs.length - 1]);
}

function missingBuild(): boolean {
  return !existsSync(join('dist', 'cli', 'bin.js'));
}

interface LoadAverage {
  readonly one: number;
  readonly five: number;
  readonly fifteen: number;
}

function loadAverage(): LoadAverage {
  const [one, five, fifteen] = loadavg();
  return { one, five, fifteen };
}

const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const ratio = (a: number, b: number, digits = 2): string => (b > 0 && Number.isFinite(a / b) ? (a / b).toFixed(digits) : '–');
const errorsOf = (r: LoadResult): number => r.non2xx + r.socketErrors;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (missingBuild()) throw new Error('dist/cli/bin.js is missing: run `npm run build` first');
  const loadBefore = loadAverage();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.error(`machine: ${machine}; load average ${fmt(loadBefore.one)} ${fmt(loadBefore.five)} ${fmt(loadBefore.fifteen)}`);

  const run = findRun(options.run);
  const runInfo = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { runId: string; origins: { test: string } };
  const spec = await readModelFeatureSpec(join(run, 'feature_spec.json'));
  if (!spec.compatible) throw new Error(`${run}: ${spec.reason}`);
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const config = loadConfig({ SHELFCAST_LAKE: options.lake, SHELFCAST_CACHE_DIR: join(WORK, 'cache') });

  // The feature rows an MLflow client would send: the matrix at the serving origin (last staged sales day + 1),
  // with the run's category codes, as shelfcast serve builds it. Building it also warms the page cache for both.
  const lake = openLake(config);
  let table: FeatureTable;
  let featureSeconds: number;
  try {
    const started = performance.now();
    const lastDay = await lastStagedSalesDay(lake);
    if (!lastDay) throw new Error(`${options.lake} holds no staged sales`);
    const origin = addDays(lastDay, 1);
    const tables = await stagingTablesFromLake(lake, origin);
    table = await buildFeatures(tables, { origin, categories: spec.categories }, { cacheDir: config.cacheDir });
    featureSeconds = (performance.now() - started) / 1000;
  } finally {
    lake.close();
  }
  if (table.featureNames.length !== FEATURE_NAMES.length) throw new Error('feature width differs from FEATURE_NAMES');
  console.error(`run ${runInfo.runId} (trained for origin ${runInfo.origins.test}); serving origin ${table.origin}: ${int(table.rows)} series, features built in ${fmt(featureSeconds, 1)} s`);
  if (runInfo.origins.test !== table.origin) console.error(`note: the run was trained for origin ${runInfo.origins.test}, the lake serves ${table.origin}`);

  const next = seededRandom(options.seed);
  const singleQueries = drawQueries(table.rows, SINGLE_QUERIES, next).map((q) => ({ path: shelfcastPath(table, q) }));
  const singleRows = drawQueries(table.rows, SINGLE_ROWS, next).map((q) => ({ path: '/invocations', body: Buffer.from(mlflowBody(table, [q.row])) }));
  const meanRowBytes = singleRows.reduce((s, r) => s + r.body.length, 0) / singleRows.length;

  const servers: ServerProcess[] = [];
  try {
    // shelfcast first, alone: its start-to-ready time is the whole 16-day forecast of every series.
    const shelfcastPort = await freePort();
    const shelfcast = startProcess(
      'shelfcast',
      ['node', join('dist', 'cli', 'bin.js'), '--log-level', 'debug', '--lake', options.lake, 'serve', '--run', run, '--host', HOST, '--port', String(shelfcastPort), '--poll-seconds', '0'],
      { ...process.env, SHELFCAST_MONITORING_DB: join(WORK, 'monitoring.duckdb'), SHELFCAST_CACHE_DIR: join(WORK, 'cache') },
      shelfcastPort,
    );
    servers.push(shelfcast);
    console.error(`shelfcast serve on ${shelfcast.url}: waiting for /readyz`);
    const shelfcastReadySeconds = await waitReady(shelfcast, '/readyz');
    const shelfcastLoad = shelfcastLoadLog(shelfcast);
    console.error(`shelfcast ready after ${fmt(shelfcastReadySeconds)} s (${JSON.stringify(shelfcastLoad)})`);

    const mlflowPort = await freePort();
    const mlflow = startProcess(
      'mlflow',
      [join(PYTHON_BIN, 'mlflow'), 'models', 'serve', '-m', resolve(run), '--env-manager', 'local', '-h', HOST, '-p', String(mlflowPort), '-w', String(options.mlflowWorkers), '-t', '600'],
      { ...process.env, PATH: `${resolve(PYTHON_BIN)}:${process.env.PATH ?? ''}` },
      mlflowPort,
    );
    servers.push(mlflow);
    console.error(`mlflow models serve on ${mlflow.url}: waiting for /ping`);
    const mlflowReadySeconds = await waitReady(mlflow, '/ping');
    console.error(`mlflow ready after ${fmt(mlflowReadySeconds)} s`);

    // Both serve the same model: shelfcast's batch answers against MLflow's log forecasts of the same rows.
    const parityQueries = drawQueries(table.rows, 1_000, next);
    const parityShelfcast = await postJson(`${shelfcast.url}/v1/forecast`, shelfcastBatchBody(table, parityQueries));
    const parityMlflow = await postJson(`${mlflow.url}/invocations`, mlflowBody(table, parityQueries.map((q) => q.row)));
    const logForecasts = mlflowPredictions(parityMlflow.json);
    const served = (parityShelfcast.json as { forecasts: { unit_sales: number }[] }).forecasts;
    let parityMaxDiff = 0;
    let parityBad = 0;
    parityQueries.forEach((q, i) => {
      const theirs = unitSalesOf(logForecasts[i][q.horizon]);
      const diff = Math.abs(served[i].unit_sales - theirs);
      parityMaxDiff = Math.max(parityMaxDiff, diff);
      if (diff > 1e-3 * Math.max(1, Math.abs(theirs))) parityBad++;
    });
    console.error(`parity over ${parityQueries.length} queries: largest difference ${parityMaxDiff.toExponential(2)} unit sales, ${parityBad} beyond tolerance`);
    if (parityBad > 0) throw new Error('shelfcast and MLflow disagree on the same model: see the parity line above');

    // Single queries.
    const single = async (server: ServerProcess, method: 'GET' | 'POST', items: readonly { path: string; body?: Buffer }[]): Promise<LoadResult> => {
      const base = { url: server.url, pgid: server.child.pid!, connections: options.connections, timeoutSeconds: 30, method, requests: items } as const;
      console.error(`${server.name}: single queries, warm-up ${options.warmup} s`);
      await runLoad({ ...base, duration: options.warmup });
      console.error(`${server.name}: single queries, ${options.duration} s at ${options.connections} connections`);
      const result = await runLoad({ ...base, duration: options.duration });
      console.error(`${server.name}: ${int(result.perSecond)} req/s, p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, ${errorsOf(result)} errors, server CPU ${fmt(result.serverCpuMsPerAnswer, 3)} ms per answer`);
      return result;
    };
    const loadSingle = loadAverage();
    const singleShelfcast = await single(shelfcast, 'GET', singleQueries);
    // The closed loop above measures the most a server answers; a client population sending at a steady rate
    // (here far beyond what MLflow can answer at all) sees the latency of this run.
    let atRate: LoadResult | undefined;
    if (options.rate > 0) {
      const base = { url: shelfcast.url, pgid: shelfcast.child.pid!, connections: options.connections, timeoutSeconds: 30, method: 'GET', requests: singleQueries, overallRate: options.rate } as const;
      await runLoad({ ...base, duration: options.warmup });
      console.error(`shelfcast: single queries, ${options.duration} s at ${options.connections} connections and ${int(options.rate)} req/s in all`);
      atRate = await runLoad({ ...base, duration: options.duration });
      console.error(`shelfcast: ${int(atRate.perSecond)} req/s, p50 ${fmt(atRate.p50)} ms, p99 ${fmt(atRate.p99)} ms, ${errorsOf(atRate)} errors`);
    }
    const singleMlflow = await single(mlflow, 'POST', singleRows);

    // Batches: the same rows on both sides, one connection, back to back.
    const batchResults: { size: number; shelfcastBodyBytes: number; mlflowBodyBytes: number; shelfcast: LoadResult; mlflow: LoadResult }[] = [];
    for (const size of options.batches) {
      const queries = drawQueries(table.rows, size, next);
      const bodies = {
        shelfcast: Buffer.from(shelfcastBatchBody(table, queries)),
        mlflow: Buffer.from(mlflowBody(table, queries.map((q) => q.row))),
      };
      const measureBatch = async (server: ServerProcess, path: string, body: Buffer): Promise<LoadResult> => {
        // Two warm-up requests; the second one's time sets how many requests fill about --batch-seconds.
        await postJson(server.url + path, body.toString());
        const { seconds } = await postJson(server.url + path, body.toString());
        const amount = Math.max(3, Math.min(5_000, Math.ceil(options.batchSeconds / Math.max(seconds, 1e-4))));
        console.error(`${server.name}: batches of ${size}, ${amount} requests (one took ${fmt(seconds * 1000, 1)} ms in warm-up)`);
        const result = await runLoad({ url: server.url, pgid: server.child.pid!, connections: 1, amount, timeoutSeconds: 600, method: 'POST', requests: [{ path, body }] });
        console.error(`${server.name}: ${fmt(result.perSecond * size, 0)} rows/s, p50 ${fmt(result.p50, 1)} ms, p99 ${fmt(result.p99, 1)} ms, ${errorsOf(result)} errors, server CPU ${fmt(result.serverCpuMsPerAnswer, 1)} ms per batch`);
        return result;
      };
      batchResults.push({
        size,
        shelfcastBodyBytes: bodies.shelfcast.length,
        mlflowBodyBytes: bodies.mlflow.length,
        shelfcast: await measureBatch(shelfcast, '/v1/forecast', bodies.shelfcast),
        mlflow: await measureBatch(mlflow, '/invocations', bodies.mlflow),
      });
    }

    // Every series' 16 days through MLflow, in batches of --full-batch rows (request time only; encoding apart).
    console.error(`mlflow: every series (${int(table.rows)} rows) in batches of ${options.fullBatch}`);
    let fullRequestSeconds = 0;
    let fullEncodeSeconds = 0;
    let fullRows = 0;
    let fullRequests = 0;
    for (let from = 0; from < table.rows; from += options.fullBatch) {
      const rows = Array.from({ length: Math.min(options.fullBatch, table.rows - from) }, (_, i) => from + i);
      const encodeStarted = performance.now();
      const body = mlflowBody(table, rows);
      fullEncodeSeconds += (performance.now() - encodeStarted) / 1000;
      const answer = await postJson(`${mlflow.url}/invocations`, body);
      fullRequestSeconds += answer.seconds;
      const predictions = mlflowPredictions(answer.json);
      if (predictions.length !== rows.length || predictions[0]?.length !== HORIZON) throw new Error(`mlflow answered ${predictions.length} rows for ${rows.length}`);
      fullRows += predictions.length;
      fullRequests++;
    }
    console.error(`mlflow: ${int(fullRows)} series in ${fmt(fullRequestSeconds)} s of requests (${fullRequests} requests; JSON encoding ${fmt(fullEncodeSeconds)} s)`);

    const rss = { shelfcastMb: groupRssMb(shelfcast.child.pid!), mlflowMb: groupRssMb(mlflow.child.pid!) };
    const loadAfter = loadAverage();

    const result = {
      machine,
      loadAverage: { before: loadBefore, beforeSingleQueries: loadSingle, after: loadAfter },
      options,
      run,
      runId: runInfo.runId,
      origin: table.origin,
      series: table.rows,
      features: table.featureNames.length,
      featureSecondsInClient: featureSeconds,
      mlflowSingleRowBodyBytes: Math.round(meanRowBytes),
      parity: { queries: parityQueries.length, maxUnitSalesDiff: parityMaxDiff },
      single: { shelfcast: singleShelfcast, mlflow: singleMlflow, shelfcastAtRate: atRate },
      batches: batchResults,
      wholeForecast: {
        shelfcast: { startToReadySeconds: shelfcastReadySeconds, ...shelfcastLoad },
        mlflow: {
          startToPingSeconds: mlflowReadySeconds,
          rows: fullRows,
          requests: fullRequests,
          rowsPerRequest: options.fullBatch,
          requestSeconds: fullRequestSeconds,
          clientEncodeSeconds: fullEncodeSeconds,
        },
      },
      rssAfterMb: rss,
    };
    writeFileSync(join(OUT, 'serving.json'), JSON.stringify(result, null, 2));
    console.log(report(result));
  } finally {
    for (const server of servers.reverse()) await stopProcess(server);
    rmSync(WORK, { recursive: true, force: true });
  }
}

/** The load seconds shelfcast logs: whole load, and its feature build and scoring (debug line). */
function shelfcastLoadLog(server: ServerProcess): { loadSeconds?: number; featureSeconds?: number; scoringSeconds?: number } {
  const out: { loadSeconds?: number; featureSeconds?: number; scoringSeconds?: number } = {};
  for (const line of readFileSync(server.logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; seconds?: number; featureSeconds?: number; scoringSeconds?: number };
    if (entry.msg === 'serve: now serving') out.loadSeconds = entry.seconds;
    if (entry.msg === 'serve: snapshot scored') {
      out.featureSeconds = entry.featureSeconds;
      out.scoringSeconds = entry.scoringSeconds;
    }
  }
  return out;
}

interface Report {
  machine: string;
  loadAverage: { before: LoadAverage; beforeSingleQueries: LoadAverage; after: LoadAverage };
  options: Options;
  origin: string;
  series: number;
  featureSecondsInClient: number;
  mlflowSingleRowBodyBytes: number;
  parity: { queries: number; maxUnitSalesDiff: number };
  single: { shelfcast: LoadResult; mlflow: LoadResult; shelfcastAtRate?: LoadResult };
  batches: { size: number; shelfcastBodyBytes: number; mlflowBodyBytes: number; shelfcast: LoadResult; mlflow: LoadResult }[];
  wholeForecast: {
    shelfcast: { startToReadySeconds: number; loadSeconds?: number; featureSeconds?: number; scoringSeconds?: number };
    mlflow: { startToPingSeconds: number; rows: number; requests: number; rowsPerRequest: number; requestSeconds: number; clientEncodeSeconds: number };
  };
  rssAfterMb: { shelfcastMb: number; mlflowMb: number };
}

function report(r: Report): string {
  const la = (l: LoadAverage): string => `${fmt(l.one)} / ${fmt(l.five)} / ${fmt(l.fifteen)}`;
  const s = r.single;
  const singleRow = (name: string, x: LoadResult): string =>
    `| ${name} | ${int(x.ok)} | ${int(x.perSecond)} | ${fmt(x.p50)} | ${fmt(x.p90)} | ${fmt(x.p99)} | ${fmt(x.max, 1)} | ${int(errorsOf(x))} | ${fmt(x.serverCpuMsPerAnswer, 3)} |`;
  const batchCell = (x: LoadResult, size: number): string =>
    `${int(x.ok)} | ${fmt(x.p50, 1)} | ${fmt(x.p99, 1)} | ${int(x.perSecond * size)} | ${fmt(x.serverCpuMsPerAnswer, 1)} | ${int(errorsOf(x))}`;
  const w = r.wholeForecast;
  const throughputGoal = s.shelfcast.perSecond / s.mlflow.perSecond;
  return [
    `Machine: ${r.machine}. Load average (1 / 5 / 15 min): ${la(r.loadAverage.before)} at the start, ${la(r.loadAverage.beforeSingleQueries)} before the single-query runs, ${la(r.loadAverage.after)} at the end.`,
    `Origin ${r.origin}, ${int(r.series)} series. Parity: shelfcast and MLflow agree on ${r.parity.queries} queries (largest difference ${r.parity.maxUnitSalesDiff.toExponential(1)} unit sales).`,
    '',
    `Single queries, ${r.options.connections} connections, ${r.options.duration} s after ${r.options.warmup} s of warm-up (latency in ms over 2xx answers; MLflow body: one feature row, ${int(r.mlflowSingleRowBodyBytes)} bytes on average):`,
    '',
    '| server | answers (2xx) | req/s | p50 | p90 | p99 | max | errors (non-2xx + socket) | server CPU ms per answer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    singleRow('shelfcast serve (GET /v1/forecast)', s.shelfcast),
    singleRow('mlflow models serve (POST /invocations, 1 row)', s.mlflow),
    `| **shelfcast ÷ mlflow** | | **${ratio(s.shelfcast.perSecond, s.mlflow.perSecond, 1)}×** | ${ratio(s.mlflow.p50, s.shelfcast.p50, 1)}× faster | ${ratio(s.mlflow.p90, s.shelfcast.p90, 1)}× faster | ${ratio(s.mlflow.p99, s.shelfcast.p99, 1)}× faster | | | ${ratio(s.mlflow.serverCpuMsPerAnswer, s.shelfcast.serverCpuMsPerAnswer, 1)}× less |`,
    ...(s.shelfcastAtRate ? [singleRow(`shelfcast serve at ${int(r.options.rate)} req/s in all (same connections)`, s.shelfcastAtRate)] : []),
    '',
    'Batches, one connection, back to back (latency and server CPU per batch in ms; rows/s = queries answered per second):',
    '',
    '| batch | shelfcast: batches | p50 | p99 | rows/s | CPU ms | errors | mlflow: batches | p50 | p99 | rows/s | CPU ms | errors | rows/s: shelfcast ÷ mlflow | CPU: mlflow ÷ shelfcast |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.batches.map(
      (b) =>
        `| ${int(b.size)} | ${batchCell(b.shelfcast, b.size)} | ${batchCell(b.mlflow, b.size)} | ${ratio(b.shelfcast.perSecond, b.mlflow.perSecond, 1)} | ${ratio(b.mlflow.serverCpuMsPerAnswer, b.shelfcast.serverCpuMsPerAnswer, 1)} |`,
    ),
    '',
    `Request bodies: ${r.batches.map((b) => `${int(b.size)} queries ${fmt(b.shelfcastBodyBytes / 1e6, 2)} MB (shelfcast) / ${fmt(b.mlflowBodyBytes / 1e6, 1)} MB (mlflow)`).join('; ')}.`,
    '',
    `The whole 16-day forecast of every series (${int(r.series)}):`,
    '',
    '| | seconds |',
    '| --- | ---: |',
    `| shelfcast serve: start to /readyz (features and scoring of every series included) | ${fmt(w.shelfcast.startToReadySeconds)} |`,
    `| … of which the load (feature build ${fmt(w.shelfcast.featureSeconds ?? NaN)} s, scoring ${fmt(w.shelfcast.scoringSeconds ?? NaN)} s) | ${fmt(w.shelfcast.loadSeconds ?? NaN)} |`,
    `| mlflow models serve: start to /ping | ${fmt(w.mlflow.startToPingSeconds)} |`,
    `| mlflow: scoring every series' row, ${w.mlflow.requests} requests of ≤ ${int(w.mlflow.rowsPerRequest)} rows | ${fmt(w.mlflow.requestSeconds)} |`,
    `| mlflow's client: the feature build (in process, shelfcast's builder) | ${fmt(r.featureSecondsInClient)} |`,
    `| mlflow's client: JSON encoding of the rows | ${fmt(w.mlflow.clientEncodeSeconds)} |`,
    '',
    `Resident memory after the run: shelfcast ${int(r.rssAfterMb.shelfcastMb)} MB, mlflow ${int(r.rssAfterMb.mlflowMb)} MB (whole process group).`,
    '',
    'Goals:',
    `- at least 10× mlflow serve's single-query throughput: ${throughputGoal >= 10 ? 'met' : 'not met'} (${fmt(throughputGoal, 1)}× in req/s; ${ratio(s.mlflow.serverCpuMsPerAnswer, s.shelfcast.serverCpuMsPerAnswer, 1)}× less server CPU per answer);`,
    `- p99 under 10 ms at ${r.options.connections} connections: ${s.shelfcast.p99 < 10 ? 'met' : 'not met'} with every connection sending as soon as it is answered (${fmt(s.shelfcast.p99)} ms)${s.shelfcastAtRate ? `; ${s.shelfcastAtRate.p99 < 10 ? 'met' : 'not met'} at ${int(r.options.rate)} req/s (${fmt(s.shelfcastAtRate.p99)} ms)` : ''}.`,
  ].join('\n');
}

await main();
