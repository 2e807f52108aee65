/**
 * The fast path of `GET /v1/forecast` against the express route, both on real loopback servers reading the same
 * seeded states: the same status, headers (all but Date) and body bytes for every success and every error, the
 * errors handed to express, the same request metrics, and every forecast it answers in the prediction log (a real
 * DuckDB store), stamped with the version that answered it, also while the state is swapped.
 */
import { Agent, createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbPredictionStore } from '../../../monitoring/duckdb-prediction-store.js';
import { ApiMetrics } from '../../../serving/api/api-metrics.js';
import { createApp } from '../../../serving/api/create-app.js';
import { forecastFastPath } from '../../../serving/api/forecast-fast-path.js';
import { PredictionLog } from '../../../serving/prediction-log/prediction-log.js';
import type { ForecastState } from '../../../serving/state/forecast-state.js';
import { readPredictionLog } from '../../support/serving-fixture.js';
import { SEEDED_EXTRA_ITEM, SEEDED_EXTRA_STORE, SEEDED_SERIES, seededForecastState } from '../../support/seeded-forecast-state.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
/** Requests sent to the fast server alone while the state is swapped. */
const SWAP_REQUESTS = 300;
const stateA = seededForecastState({ id: 1, version: 'a', seed: 1 });
const stateB = seededForecastState({ id: 2, version: 'b', seed: 2 });
let current: ForecastState | undefined = stateA;
const holder = {
  get current() {
    return current;
  },
  reload: () => Promise.reject(new Error('no reloads in this test')),
};
const metrics = new ApiMetrics();
const referenceMetrics = new ApiMetrics();
const agent = new Agent({ keepAlive: true });
let monitoringDb: string;
let log: PredictionLog;
let fast: Server;
let reference: Server;
/** Requests the fast path handed to express. */
let fallbacks = 0;
/** What the prediction log must hold: every forecast the fast server answered. */
const served: { store_nbr: number; item_nbr: number; date: string; unit_sales: number; cold_start: boolean; version: string }[] = [];

beforeAll(async () => {
  monitoringDb = join(await dirs.make('fast-path'), 'monitoring.duckdb');
  const store = await DuckDbPredictionStore.open(monitoringDb);
  log = new PredictionLog(store, { flushIntervalMs: 60_000 }, { metrics: metrics.predictionLog(() => log.queued) });
  const app = createApp({ holder, metrics, predictionLog: log });
  fast = await listen(
    forecastFastPath({ holder, metrics, predictionLog: log }, (req, res) => {
      fallbacks++;
      app(req, res);
    }),
  );
  reference = await listen(createApp({ holder, metrics: referenceMetrics }));
});
afterAll(async () => {
  agent.destroy();
  await Promise.all([fast, reference].map((s) => new Promise((resolve) => s?.close(resolve))));
  await dirs.cleanup();
});

interface Answer {
  readonly status: number;
  /** Raw header lines but Date, which differs by the second. */
  readonly headers: string[];
  readonly body: Buffer;
}

function listen(listener: RequestListener): Promise<Server> {
  const server = createServer(listener);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function send(server: Server, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i].toLowerCase() !== 'date') headers.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Asks both servers; they must answer alike. Returns the fast server's answer and how many requests it handed to express. */
async function both(path: string, init: Parameters<typeof send>[2] = {}): Promise<Answer & { fellBack: number }> {
  const before = fallbacks;
  const answer = await send(fast, path, init);
  const fellBack = fallbacks - before;
  expect(answer, `${init.method ?? 'GET'} ${path}`).toEqual(await send(reference, path, init));
  if (answer.status === 200 && answer.body.length > 0) {
    const body = JSON.parse(answer.body.toString('utf8'));
    if (body.forecast) served.push({ ...body.forecast, version: body.model.version });
    for (const f of body.store_nbr === undefined ? [] : body.forecasts) served.push({ store_nbr: body.store_nbr, item_nbr: body.item_nbr, ...f, cold_start: body.cold_start, version: body.model.version });
  }
  return { ...answer, fellBack };
}

/** A forecast the route answered without a body (HEAD, 304), which the prediction log holds all the same. */
function servedWithoutBody(state: ForecastState, store: number, item: number, date: string): void {
  const row = state.series.row(store, item);
  const horizon = state.horizonOf.get(date)!;
  served.push({ store_nbr: store, item_nbr: item, date, unit_sales: row < 0 ? 0 : state.unitSales[row * 16 + horizon], cold_start: row < 0, version: state.model.version });
}

const url = (store: number | string, item: number | string, date: string): string => `/v1/forecast?store_nbr=${store}&item_nbr=${item}&date=${date}`;

describe('forecastFastPath', () => {
  it('answers every series, cold start and day itself, byte for byte as the express route does', async () => {
    for (const [store, item] of SEEDED_SERIES) {
      for (const date of stateA.dates) {
        const answer = await both(url(store, item, date));
        expect(answer.status).toBe(200);
        expect(answer.fellBack).toBe(0);
      }
    }
    const more = [
      url(SEEDED_EXTRA_STORE, 100, '2017-08-16'),
      url(3, SEEDED_EXTRA_ITEM, '2017-08-31'),
      url(12, 100, '2017-08-20'),
      url('0003', '00200', '2017-08-17'),
      '/v1/forecast?date=2017-08-18&item_nbr=300&store_nbr=7',
    ];
    for (const path of more) {
      const answer = await both(path);
      expect(answer.status, path).toBe(200);
      expect(answer.fellBack, path).toBe(0);
    }
    const cold = JSON.parse((await both(url(SEEDED_EXTRA_STORE, 100, '2017-08-16'))).body.toString());
    expect(cold.forecast).toMatchObject({ unit_sales: 0, cold_start: true });
    // The series whose model output is NaN is served 0, not cold.
    const nan = JSON.parse((await both(url(3, 200, '2017-08-16'))).body.toString());
    expect(nan.forecast).toMatchObject({ unit_sales: 0, cold_start: false });
    expect(nan.forecast.store_nbr).toBe(3);
  });

  it('hands every error, and every form of query it does not read itself, to express', async () => {
    const cases: [string, number, Parameters<typeof send>[2]?][] = [
      [url(999, 100, '2017-08-16'), 404],
      [url(3, 9, '2017-08-16'), 404],
      [url(3, 100, '2017-09-01'), 422],
      [url(3, 100, '2017-02-30'), 422],
      [url(3, 100, 'tomorrow'), 422],
      [url(3, 100, ''), 422],
      [url('abc', 100, '2017-08-16'), 400],
      [url(2_147_483_648, 100, '2017-08-16'), 400],
      ['/v1/forecast?store_nbr=3&date=2017-08-16', 400],
      ['/v1/forecast?store_nbr=3&store_nbr=7&item_nbr=100&date=2017-08-16', 400],
      [`${url(3, 100, '2017-08-16')}&horizon=2`, 400],
      [`${url(3, 100, '2017-08-16')}&`, 200],
      ['/v1/forecast?store_nbr=%33&item_nbr=100&date=2017-08-16', 200],
      ['/v1/forecast/?store_nbr=3&item_nbr=100&date=2017-08-16', 200],
      ['/V1/Forecast?store_nbr=3&item_nbr=100&date=2017-08-16', 200],
      [url(3, 100, '2017-08-16'), 200, { method: 'HEAD' }],
      [url(3, 100, '2017-08-16'), 304, { headers: { 'If-None-Match': '*' } }],
      [url(3, 100, '2017-08-16'), 200, { headers: { 'if-modified-since': 'Wed, 16 Aug 2017 00:00:00 GMT' } }],
      [url(3, 100, '2017-08-16'), 405, { method: 'DELETE' }],
      ['/v1/forecast', 404, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queries: [{ store_nbr: 3, item_nbr: 999, date: '2017-08-16' }] }) }],
      ['/v1/forecast/series?store_nbr=3&item_nbr=100', 200],
    ];
    for (const [path, status, init] of cases) {
      const answer = await both(path, init);
      expect(answer.status, path).toBe(status);
      expect(answer.fellBack, path).toBe(1);
      if ((status === 200 && init?.method === 'HEAD') || status === 304) servedWithoutBody(stateA, 3, 100, '2017-08-16');
    }
  });

  it('hands requests to express while no state is loaded (503)', async () => {
    current = undefined;
    try {
      const answer = await both(url(3, 100, '2017-08-16'));
      expect(answer.status).toBe(503);
      expect(answer.fellBack).toBe(1);
    } finally {
      current = stateA;
    }
  });

  it('answers each request from one state when the state is swapped between and during requests', async () => {
    for (const state of [stateB, stateA, stateB]) {
      current = state;
      const answer = await both(url(7, 300, '2017-08-19'));
      expect(JSON.parse(answer.body.toString()).model.version).toBe(state.model.version);
      expect(answer.fellBack).toBe(0);
    }
    const byVersion = new Map([stateA, stateB].map((s) => [s.model.version, s]));
    const swapping = setInterval(() => (current = current === stateA ? stateB : stateA), 1);
    try {
      const answers = await Promise.all(Array.from({ length: SWAP_REQUESTS }, (_, i) => send(fast, url(SEEDED_SERIES[i % 5][0], SEEDED_SERIES[i % 5][1], stateA.dates[i % 16]))));
      const versions = new Set<string>();
      for (const answer of answers) {
        const { model, origin, forecast } = JSON.parse(answer.body.toString());
        const state = byVersion.get(model.version)!;
        versions.add(model.version);
        expect(model).toEqual({ name: state.model.name, version: state.model.version, run_id: state.model.runId });
        expect(origin).toBe(state.origin);
        const row = state.series.row(forecast.store_nbr, forecast.item_nbr);
        expect(forecast.unit_sales).toBe(state.unitSales[row * 16 + forecast.horizon]);
        served.push({ ...forecast, version: model.version });
      }
      expect([...versions].sort()).toEqual(['a', 'b']);
    } finally {
      clearInterval(swapping);
      current = stateA;
    }
  });

  it('counts and times its requests under the route’s labels, as express does', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    /** One sample of a metric (histograms name theirs: `…_bucket`, `…_sum`, `…_count`). */
    type Sample = { readonly value: number; readonly labels: Record<string, string | number>; readonly metricName?: string };
    const samples = async (m: ApiMetrics, name: string): Promise<Sample[]> => (await m.registry.getSingleMetric(name)!.get()).values as Sample[];
    const counts = async (m: ApiMetrics, name: string) =>
      Object.fromEntries(
        (await samples(m, name)).filter((v) => v.metricName === undefined || v.metricName.endsWith('_count')).map((v) => [`${v.labels.method} ${v.labels.route} ${v.labels.status}`, v.value]),
      );
    // The swap test sent its requests to the fast server alone: the counts differ by exactly those.
    for (const name of ['shelfcast_http_requests_total', 'shelfcast_http_request_duration_seconds']) {
      const mine = await counts(metrics, name);
      const theirs = await counts(referenceMetrics, name);
      expect(mine['GET /v1/forecast 200'], name).toBe(theirs['GET /v1/forecast 200'] + SWAP_REQUESTS);
      delete mine['GET /v1/forecast 200'];
      delete theirs['GET /v1/forecast 200'];
      expect(mine, name).toEqual(theirs);
    }
    const sum = (await samples(metrics, 'shelfcast_http_request_duration_seconds')).find(
      (v) => v.metricName?.endsWith('_sum') && v.labels.method === 'GET' && v.labels.route === '/v1/forecast' && v.labels.status === '200',
    );
    expect(sum?.value).toBeGreaterThan(0);
  });

  it('logs every forecast it answers, with the version that answered it', async () => {
    await log.close();
    const rows = await readPredictionLog(monitoringDb);
    const key = (r: Record<string, unknown>, version: unknown) =>
      `${r.store_nbr}:${r.item_nbr}:${r.date}:${Number(r.unit_sales).toFixed(4)}:${r.cold_start}:${version}`;
    expect(rows.map((r) => key(r, r.model_version)).sort()).toEqual(served.map((s) => key(s, s.version)).sort());
    for (const r of rows) expect(r.run_id).toBe(`run-${r.model_version}`);
  });
});
