/**
 * `shelfcast serve` as a process: it serves a trained run, and on SIGTERM finishes the request in flight,
 * writes the prediction log to the DuckDB file and exits 0. A run directory that cannot be served exits 2.
 */
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../support/run-cli.js';
import { call, readPredictionLog, TINY_ORIGIN, tinyTestQueries, trainTinyRun } from '../../support/serving-fixture.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';

const dirs = tempDirs();
let tiny: TinyLake;
let queries: { store_nbr: number; item_nbr: number; date: string }[];

beforeAll(async () => {
  tiny = await tinyLake(dirs, 'serve-cli', 45);
  await trainTinyRun(tiny, tiny.runsDir, 'run-s', 10);
  queries = await tinyTestQueries(tiny);
});
afterAll(async () => {
  tiny?.lake.close();
  await dirs.cleanup();
});

/** Starts `shelfcast serve` on a free port; resolves with its URL once its log says it listens. */
function serve(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; url: Promise<string>; exit: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawnCli(['--lake', tiny.lake.location, 'serve', '--port', '0', ...args], { SHELFCAST_CACHE_DIR: tiny.cacheDir, SHELFCAST_LOG_LEVEL: 'info', ...env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const line = stderr.split('\n').find((l) => l.includes('"serve: listening"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.once('close', () => reject(new Error(`serve exited before listening: ${stderr}`)));
  });
  url.catch(() => undefined);
  const exit = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, url, exit };
}

async function waitReady(url: string): Promise<void> {
  const until = Date.now() + 90_000;
  while ((await call(url, '/readyz')).status !== 200) {
    if (Date.now() > until) throw new Error('the server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('shelfcast serve', () => {
  it('on SIGTERM finishes the request in flight, writes the prediction log and exits 0', async () => {
    const monitoringDb = join(await dirs.make('serve-monitoring'), 'monitoring.duckdb');
    const server = serve(['--run', tiny.runsDir, '--poll-seconds', '0'], { SHELFCAST_MONITORING_DB: monitoringDb });
    const url = await server.url;
    await waitReady(url);

    let served = 0;
    for (const q of queries.slice(0, 3)) {
      expect((await call(url, `/v1/forecast?store_nbr=${q.store_nbr}&item_nbr=${q.item_nbr}&date=${q.date}`)).status).toBe(200);
      served++;
    }
    const series = await call(url, `/v1/forecast/series?store_nbr=${queries[0].store_nbr}&item_nbr=${queries[0].item_nbr}`);
    served += series.body.forecasts.length;
    const batch = await call(url, '/v1/forecast', { body: { queries: queries.slice(0, 500) } });
    expect(batch.body.forecasts).toHaveLength(500);
    served += 500;

    // A batch whose body is still arriving when SIGTERM comes: the server must finish it.
    const body = JSON.stringify({ queries: queries.slice(500, 1500) });
    const { port, hostname } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    socket.write(`POST /v1/forecast HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    socket.write(body.slice(0, 1000));
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(response).toBe('');
    socket.write(body.slice(1000));
    await ended;
    const head = response.slice(0, response.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\nconnection: close(\r\n|$)/i);
    const inFlight = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
    expect(inFlight.forecasts).toHaveLength(1000);
    served += 1000;

    const exit = await server.exit;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stdout).toMatch(/^Stopped serving at http:\/\/127\.0\.0\.1:\d+ \(SIGTERM\): version run-s, origin 2017-08-16$/m);
    expect(exit.stderr).toContain('"serve: stopped"');

    const rows = await readPredictionLog(monitoringDb);
    expect(rows).toHaveLength(served);
    expect(new Set(rows.map((r) => `${r.model_version}@${r.origin}`))).toEqual(new Set([`run-s@${TINY_ORIGIN}`]));
    const inFlightLogged = rows.filter((r) => inFlight.forecasts.some((f: any) => f.store_nbr === r.store_nbr && f.item_nbr === r.item_nbr && f.date === r.date));
    expect(inFlightLogged.length).toBeGreaterThanOrEqual(1000);
  });

  it('exits 2 naming the problem when there is no run to serve', async () => {
    const empty = await dirs.make('serve-no-runs');
    const server = serve(['--run', empty], { SHELFCAST_MONITORING_DB: join(empty, 'monitoring.duckdb') });
    const exit = await server.exit;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/--run .*serve-no-runs.*: neither a run directory \(no run\.json\) nor a directory holding complete runs; run `shelfcast train` first/);
  });

  it('refuses malformed flags with exit code 2', async () => {
    const server = serve(['--port', '70000'], {});
    const exit = await server.exit;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/--port "70000" is not valid: expected a whole number from 0 to 65535/);
  });
});
