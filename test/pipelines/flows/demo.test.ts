/**
 * `shelfcast demo` as a user runs it (a child process), on `tiny` data with few rounds: twice with `--no-serve`, as it
 * must be safe to repeat, then once to its end, serving the champion over HTTP until SIGTERM. Without
 * MLFLOW_TRACKING_URI it logs to the embedded MLflow server, started by the first run and reused by the others.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { LocalMlflowServer, readServerState } from '../../../core/mlflow/index.js';
import { EMBEDDED_STATE_FILE } from '../../../training/tracking/index.js';
import { runCli, spawnCli } from '../../support/run-cli.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
let root: string;
let args: string[];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = await dirs.make('demo');
  env = {
    SHELFCAST_CACHE_DIR: join(root, 'cache'),
    SHELFCAST_LOG_LEVEL: 'warn',
    SHELFCAST_MLFLOW_DIR: join(root, 'mlflow'),
    SHELFCAST_MONITORING_DB: join(root, 'monitoring.duckdb'),
    MLFLOW_TRACKING_URI: '',
  };
  args = ['--lake', join(root, 'lake'), 'demo', '--scale', 'tiny', '--data', join(root, 'data'), '--daily', '2', '--max-rounds', '20', '--param', 'num_threads=1', '--runs-dir', join(root, 'runs')];
});
afterAll(async () => {
  const state = root ? await readServerState(join(root, 'mlflow', EMBEDDED_STATE_FILE)) : undefined;
  if (state) await (await LocalMlflowServer.attach(state))?.stop();
  await dirs.cleanup();
});

describe('shelfcast demo', () => {
  it('ends with a trained model, its scores against the baseline, and a submission', async () => {
    const first = await runCli([...args, '--no-serve'], env);
    expect(first.stderr).not.toMatch(/shelfcast:/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Trained 16 horizon boosters/);
    expect(first.stdout).toMatch(/validation NWRMSLE: model \d\.\d{4}, 14-day-mean baseline \d\.\d{4}/);
    expect(first.stdout).toMatch(/ONNX parity: max \|Δ\| \S+ on/);
    // The demo loads past promotion plans, so its validation promotions mean what they mean at the test origin.
    expect(first.stdout).not.toMatch(/optimistic/);
    const ui = /Tracking: MLflow UI at (http:\/\/127\.0\.0\.1:\d+) \(local server, started now; data in (\S+);/.exec(first.stdout);
    expect(ui?.[2]).toBe(join(root, 'mlflow'));
    expect(first.stdout).toMatch(/experiment shelfcast, run [0-9a-f]{32}: http:\/\/127\.0\.0\.1:\d+\/#\/experiments\/\d+\/runs\/[0-9a-f]{32}\n/);
    expect(first.stdout).toMatch(/model favorita-unit-sales version 1 @champion: no champion yet/);
    const runs = (await readdir(join(root, 'runs'))).sort();
    expect(runs).toHaveLength(2); // the run directory and its submission
    const submission = (await readFile(join(root, 'runs', runs.find((r) => r.endsWith('-submission.csv'))!), 'utf8')).trimEnd().split('\n');
    const test = (await readFile(join(root, 'data', 'test.csv'), 'utf8')).trimEnd().split('\n');
    expect(submission[0]).toBe('id,unit_sales');
    expect(submission).toHaveLength(test.length);

    const again = await runCli([...args, '--no-serve'], env);
    expect(again.stderr).not.toMatch(/shelfcast:/);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/files loaded: 0\n  already loaded: 8/);
    expect(again.stdout).toMatch(/train dates: 0 added, 0 replaced, 0 unchanged/);
    expect(again.stdout).toContain(`Tracking: MLflow UI at ${ui![1]} (local server, already running;`);
    expect(again.stdout).toMatch(/model favorita-unit-sales version 2 @(champion|challenger): /);
    expect(await readdir(join(root, 'runs'))).toHaveLength(4);
  }, 240_000);

  it('ends serving the champion: the printed example calls answer, and SIGTERM stops it with exit 0', async () => {
    const child = spawnCli([...args, '--port', '0'], env);
    // Stops the server should the test fail before the SIGTERM below.
    onTestFinished(() => void child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const single = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const match = /^ {2}curl '(http:\/\/127\.0\.0\.1:\d+\/v1\/forecast\?[^']+)'$/m.exec(stdout);
        if (match && stdout.includes('Stop with Ctrl-C.')) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`demo exited before serving: ${stderr}`)));
    });
    expect(stderr).toMatch(/Model source: models:\/favorita-unit-sales@champion at http:\/\/127\.0\.0\.1:\d+ \(the model registry the demo published to\)/);
    const base = new URL(single).origin;
    for (const path of ['/v1/forecast/series?', '/v1/model', '/metrics']) expect(stdout).toContain(`curl '${base}${path}`);
    expect(stdout).toContain(`curl -X POST '${base}/v1/forecast' -H 'content-type: application/json' -d '{"queries":[{"store_nbr":`);

    const res = await fetch(single);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { forecast: { unit_sales: number; date: string }; model: { name: string; version: string } };
    expect(body.forecast.unit_sales).toBeGreaterThanOrEqual(0);
    expect(body.model.name).toBe('favorita-unit-sales');
    // The third demo run registered version 3: served when the gate made it champion, else the champion it kept.
    const gate = /model favorita-unit-sales version 3 @(champion|challenger): /.exec(stdout);
    expect(gate).not.toBeNull();
    if (gate![1] === 'champion') expect(body.model.version).toBe('3');
    else expect(['1', '2']).toContain(body.model.version);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^Stopped serving at http:\/\/127\.0\.0\.1:\d+ \(SIGTERM\)\.$/m);
    expect(stderr).not.toMatch(/shelfcast:/);
  }, 240_000);
});
