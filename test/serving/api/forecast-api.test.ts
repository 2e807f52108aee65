/**
 * The forecast API's contract, against a real server on a loopback port serving a run trained on generated
 * `tiny` data: every route, every error, the response shapes (the zod schemas the OpenAPI document is made
 * of), forecasts checked against LightGBM's own boosters, and the prediction log read back from DuckDB.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venvBin } from '../../../core/python-env.js';
import { addDays } from '../../../pipelines/features/index.js';
import * as schemas from '../../../serving/api/api-schemas.js';
import { ApiMetrics } from '../../../serving/api/api-metrics.js';
import { createApp } from '../../../serving/api/create-app.js';
import type { RunningServer } from '../../../serving/api/start-server.js';
import { readBacktestScores } from '../../../serving/model/backtest-scores.js';
import { RUN_FILES } from '../../../training/bundle/index.js';
import {
  call,
  readPredictionLog,
  referenceForecasts,
  startTinyServer,
  TINY_ORIGIN,
  tinyTestQueries,
  trainTinyRun,
} from '../../support/serving-fixture.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';

const TOKEN = 'contract-test-admin-token';
const LAST_DAY = addDays(TINY_ORIGIN, 15);
const dirs = tempDirs();
let tiny: TinyLake;
let runDir: string;
let runId: string;
let server: RunningServer & { monitoringDb: string };
let base: string;
let reference: Map<string, number[]>;
let queries: { store_nbr: number; item_nbr: number; date: string }[];
/** A pair with history, and a known pair without (a cold start). */
let warm: { store_nbr: number; item_nbr: number };
let cold: { store_nbr: number; item_nbr: number };
/** Forecasts served so far: the prediction log must end up with exactly these. */
const served: { store_nbr: number; item_nbr: number; date: string; unit_sales: number; cold_start: boolean }[] = [];

beforeAll(async () => {
  tiny = await tinyLake(dirs, 'api', 21);
  runId = 'run-a';
  runDir = await trainTinyRun(tiny, tiny.runsDir, runId, 20);
  server = await startTinyServer(tiny, dirs, { runsDir: tiny.runsDir, adminToken: TOKEN });
  base = server.url;
  await server.ready;
  reference = await referenceForecasts(tiny, runDir);
  queries = await tinyTestQueries(tiny);
  const warmQuery = queries.find((q) => reference.has(`${q.store_nbr}:${q.item_nbr}`) && reference.get(`${q.store_nbr}:${q.item_nbr}`)!.some((v) => v > 0.5))!;
  const coldQuery = queries.find((q) => !reference.has(`${q.store_nbr}:${q.item_nbr}`))!;
  warm = { store_nbr: warmQuery.store_nbr, item_nbr: warmQuery.item_nbr };
  cold = { store_nbr: coldQuery.store_nbr, item_nbr: coldQuery.item_nbr };
});
afterAll(async () => {
  await server?.close();
  tiny?.lake.close();
  await dirs.cleanup();
});

const qs = (params: Record<string, string | number>): string => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
const expected = (q: { store_nbr: number; item_nbr: number }, date: string): number =>
  reference.get(`${q.store_nbr}:${q.item_nbr}`)?.[(Date.parse(date) - Date.parse(TINY_ORIGIN)) / 86_400_000] ?? 0;

function expectError(res: { status: number; body: any }, status: number, code: string, message: RegExp, field?: string): void {
  expect(res.status).toBe(status);
  expect(schemas.errorSchema.parse(res.body)).toEqual(res.body);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message).toMatch(message);
  if (field !== undefined) expect(res.body.error.field).toBe(field);
}

describe('GET /v1/forecast', () => {
  it('answers the boosters’ forecast for one store, item and day, naming the model version and the origin', async () => {
    for (const date of [TINY_ORIGIN, addDays(TINY_ORIGIN, 7), LAST_DAY]) {
      const res = await call(base, `/v1/forecast?${qs({ ...warm, date })}`);
      expect(res.status).toBe(200);
      expect(schemas.forecastResponseSchema.parse(res.body)).toEqual(res.body);
      expect(res.body.model).toEqual({ name: 'favorita-unit-sales', version: runId, run_id: runId });
      expect(res.body.origin).toBe(TINY_ORIGIN);
      const f = res.body.forecast;
      expect(f).toMatchObject({ ...warm, date, horizon: (Date.parse(date) - Date.parse(TINY_ORIGIN)) / 86_400_000, cold_start: false });
      expect(f.unit_sales).toBeCloseTo(expected(warm, date), 3);
      served.push({ ...warm, date, unit_sales: f.unit_sales, cold_start: false });
    }
  });

  it('answers 0 with cold_start for a known pair without sales in the year before the origin', async () => {
    const res = await call(base, `/v1/forecast?${qs({ ...cold, date: TINY_ORIGIN })}`);
    expect(res.status).toBe(200);
    expect(res.body.forecast).toEqual({ ...cold, date: TINY_ORIGIN, horizon: 0, unit_sales: 0, cold_start: true });
    served.push({ ...cold, date: TINY_ORIGIN, unit_sales: 0, cold_start: true });
  });

  it('is a 404 naming an unknown store or item', async () => {
    expectError(await call(base, `/v1/forecast?${qs({ store_nbr: 999, item_nbr: warm.item_nbr, date: TINY_ORIGIN })}`), 404, 'unknown_store', /store_nbr 999 is not a known store \(the lake knows 4 stores, numbered 12 … 44\)/, 'store_nbr');
    expectError(await call(base, `/v1/forecast?${qs({ store_nbr: warm.store_nbr, item_nbr: 7, date: TINY_ORIGIN })}`), 404, 'unknown_item', /item_nbr 7 is not a known item/, 'item_nbr');
  });

  it('is a 422 naming the valid range for a malformed date or a date outside the 16 days', async () => {
    const range = /2017-08-16 … 2017-08-31 \(the 16 days from origin 2017-08-16\)/;
    for (const date of ['2017-08-15', '2017-09-01', '2016-08-20']) {
      const res = await call(base, `/v1/forecast?${qs({ ...warm, date })}`);
      expectError(res, 422, 'date_out_of_range', range, 'date');
      expect(res.body.error.message).toContain(`date ${date} is outside the forecast horizon`);
    }
    for (const date of ['2017-02-30', '16/08/2017', 'tomorrow', '2017-8-16', '']) {
      const res = await call(base, `/v1/forecast?${qs({ ...warm, date })}`);
      expectError(res, 422, 'invalid_date', range, 'date');
      expect(res.body.error.message).toContain(`date ${JSON.stringify(date)} is not a date: expected YYYY-MM-DD`);
    }
  });

  it('is a 400 naming the parameter for a malformed, missing, repeated or unknown query parameter', async () => {
    expectError(await call(base, `/v1/forecast?${qs({ store_nbr: 'abc', item_nbr: warm.item_nbr, date: TINY_ORIGIN })}`), 400, 'invalid_query', /^store_nbr must be a whole number$/, 'store_nbr');
    expectError(await call(base, `/v1/forecast?${qs({ store_nbr: '-1', item_nbr: warm.item_nbr, date: TINY_ORIGIN })}`), 400, 'invalid_query', /^store_nbr must be a whole number$/, 'store_nbr');
    expectError(await call(base, `/v1/forecast?${qs({ store_nbr: warm.store_nbr, date: TINY_ORIGIN })}`), 400, 'invalid_query', /^item_nbr is required$/, 'item_nbr');
    expectError(await call(base, `/v1/forecast?${qs({ ...warm })}`), 400, 'invalid_query', /^date is required$/, 'date');
    expectError(await call(base, `/v1/forecast?${qs({ ...warm, date: TINY_ORIGIN, horizon: 2 })}`), 400, 'invalid_query', /unknown query parameter "horizon"/, 'horizon');
    expectError(await call(base, `/v1/forecast?store_nbr=12&store_nbr=24&item_nbr=${warm.item_nbr}&date=${TINY_ORIGIN}`), 400, 'invalid_query', /store_nbr must be a whole number/, 'store_nbr');
    expectError(await call(base, `/v1/forecast?${qs({ store_nbr: '99999999999', item_nbr: warm.item_nbr, date: TINY_ORIGIN })}`), 400, 'invalid_query', /store_nbr/, 'store_nbr');
  });
});

describe('GET /v1/forecast/series', () => {
  it('answers the 16 days from the origin in order', async () => {
    const res = await call(base, `/v1/forecast/series?${qs(warm)}`);
    expect(res.status).toBe(200);
    expect(schemas.seriesResponseSchema.parse(res.body)).toEqual(res.body);
    expect(res.body).toMatchObject({ model: { version: runId }, origin: TINY_ORIGIN, ...warm, cold_start: false });
    expect(res.body.forecasts.map((f: any) => f.date)).toEqual(Array.from({ length: 16 }, (_, h) => addDays(TINY_ORIGIN, h)));
    res.body.forecasts.forEach((f: any, h: number) => {
      expect(f.horizon).toBe(h);
      expect(f.unit_sales).toBeCloseTo(reference.get(`${warm.store_nbr}:${warm.item_nbr}`)![h], 3);
      served.push({ ...warm, date: f.date, unit_sales: f.unit_sales, cold_start: false });
    });
  });

  it('answers 16 zeros for a cold start, 404 for an unknown pair and 400 for a malformed one', async () => {
    const res = await call(base, `/v1/forecast/series?${qs(cold)}`);
    expect(res.body.cold_start).toBe(true);
    expect(res.body.forecasts.map((f: any) => f.unit_sales)).toEqual(new Array(16).fill(0));
    for (const f of res.body.forecasts) served.push({ ...cold, date: f.date, unit_sales: 0, cold_start: true });
    expectError(await call(base, `/v1/forecast/series?${qs({ store_nbr: 1, item_nbr: warm.item_nbr })}`), 404, 'unknown_store', /store_nbr 1 is not a known store/, 'store_nbr');
    expectError(await call(base, `/v1/forecast/series?${qs({ ...warm, date: TINY_ORIGIN })}`), 400, 'invalid_query', /unknown query parameter "date"/, 'date');
  });
});

describe('POST /v1/forecast', () => {
  it('answers every test row of the data set in query order, from one model version', async () => {
    const res = await call(base, '/v1/forecast', { body: { queries } });
    expect(res.status).toBe(200);
    expect(schemas.batchResponseSchema.parse(res.body)).toEqual(res.body);
    expect(res.body.model.version).toBe(runId);
    expect(res.body.origin).toBe(TINY_ORIGIN);
    expect(res.body.forecasts).toHaveLength(queries.length);
    let colds = 0;
    res.body.forecasts.forEach((f: any, i: number) => {
      const q = queries[i];
      expect(f).toMatchObject({ ...q, horizon: (Date.parse(q.date) - Date.parse(TINY_ORIGIN)) / 86_400_000 });
      expect(f.unit_sales).toBeCloseTo(expected(q, q.date), 3);
      expect(f.cold_start).toBe(!reference.has(`${q.store_nbr}:${q.item_nbr}`));
      if (f.cold_start) colds++;
      served.push({ ...q, unit_sales: f.unit_sales, cold_start: f.cold_start });
    });
    expect(colds).toBeGreaterThan(0);
  });

  it('accepts the default maximum of 10,000 queries and refuses 10,001 with a 413', async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => queries[i % queries.length]);
    const ok = await call(base, '/v1/forecast', { body: { queries: batch } });
    expect(ok.status).toBe(200);
    expect(ok.body.forecasts).toHaveLength(10_000);
    ok.body.forecasts.forEach((f: any) => served.push({ store_nbr: f.store_nbr, item_nbr: f.item_nbr, date: f.date, unit_sales: f.unit_sales, cold_start: f.cold_start }));
    expectError(await call(base, '/v1/forecast', { body: { queries: [...batch, queries[0]] } }), 413, 'batch_too_large', /more than the 10000 queries a batch may have/, 'queries');
  });

  it('refuses the whole batch naming the first bad query: 404 unknown pair, 422 date', async () => {
    const bad = (i: number, q: object) => queries.slice(0, 5).map((x, k) => (k === i ? { ...x, ...q } : x));
    expectError(await call(base, '/v1/forecast', { body: { queries: bad(3, { item_nbr: 5 }) } }), 404, 'unknown_item', /^queries\[3\]: item_nbr 5 is not a known item/, 'queries[3].item_nbr');
    expectError(await call(base, '/v1/forecast', { body: { queries: bad(2, { store_nbr: 77 }) } }), 404, 'unknown_store', /^queries\[2\]: store_nbr 77/, 'queries[2].store_nbr');
    expectError(await call(base, '/v1/forecast', { body: { queries: bad(4, { date: '2017-09-01' }) } }), 422, 'date_out_of_range', /^queries\[4\]: date 2017-09-01 is outside the forecast horizon: expected a day from 2017-08-16 … 2017-08-31/, 'queries[4].date');
    expectError(await call(base, '/v1/forecast', { body: { queries: bad(0, { date: 'soon' }) } }), 422, 'invalid_date', /^queries\[0\]: date "soon" is not a date/, 'queries[0].date');
  });

  it('is a 400 for a malformed body, 415 for a body that is not JSON', async () => {
    const q = queries[0];
    expectError(await call(base, '/v1/forecast', { rawBody: '{"queries": [', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json', /the body is not valid JSON/);
    expectError(await call(base, '/v1/forecast', { body: [q] }), 400, 'invalid_body', /the body must be a JSON object/);
    expectError(await call(base, '/v1/forecast', { body: {} }), 400, 'invalid_body', /queries is required/, 'queries');
    expectError(await call(base, '/v1/forecast', { body: { queries: 'all' } }), 400, 'invalid_body', /queries must be an array/, 'queries');
    expectError(await call(base, '/v1/forecast', { body: { queries: [] } }), 400, 'invalid_body', /at least one query/, 'queries');
    expectError(await call(base, '/v1/forecast', { body: { queries: [q, 5] } }), 400, 'invalid_body', /^queries\[1\]: each query must be an object/, 'queries[1]');
    expectError(await call(base, '/v1/forecast', { body: { queries: [q, { ...q, store_nbr: '12' }] } }), 400, 'invalid_body', /^queries\[1\]: store_nbr must be a whole number/, 'queries[1].store_nbr');
    expectError(await call(base, '/v1/forecast', { body: { queries: [{ ...q, store_nbr: 1.5 }] } }), 400, 'invalid_body', /store_nbr must be a whole number/, 'queries[0].store_nbr');
    expectError(await call(base, '/v1/forecast', { body: { queries: [{ ...q, item_nbr: -3 }] } }), 400, 'invalid_body', /^queries\[0\]: item_nbr must be ≥ 0$/, 'queries[0].item_nbr');
    expectError(await call(base, '/v1/forecast', { body: { queries: [{ store_nbr: q.store_nbr, date: q.date }] } }), 400, 'invalid_body', /^queries\[0\]: item_nbr is required/, 'queries[0].item_nbr');
    expectError(await call(base, '/v1/forecast', { body: { queries: [{ ...q, promo: true }] } }), 400, 'invalid_body', /unknown field "promo"/, 'queries[0].promo');
    expectError(await call(base, '/v1/forecast', { body: { queries: [q], extra: 1 } }), 400, 'invalid_body', /unknown field "extra"/, 'extra');
    expectError(await call(base, '/v1/forecast', { method: 'POST' }), 400, 'invalid_body', /needs a JSON body/);
    expectError(await call(base, '/v1/forecast', { rawBody: 'store_nbr=1', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type', /Content-Type: application\/json/);
  });

  it('never answers bad input with a 5xx', async () => {
    const bodies: string[] = ['', 'null', '0', '"x"', '[]', '{"queries":null}', '{"queries":[null]}', '{"queries":[{}]}', '{"queries":[{"store_nbr":1e400}]}', '{"__proto__":{"queries":1}}', '\u0000', '{"queries":[{"store_nbr":12,"item_nbr":1,"date":{"$gt":1}}]}'];
    for (const rawBody of bodies) {
      const res = await call(base, '/v1/forecast', { rawBody, headers: { 'content-type': 'application/json' } });
      expect(res.status, rawBody).toBeGreaterThanOrEqual(400);
      expect(res.status, rawBody).toBeLessThan(500);
      expect(res.body.error.code, rawBody).toMatch(/^[a-z_]+$/);
    }
    for (const query of ['store_nbr=%FF', 'store_nbr[x]=1&item_nbr=1&date=2017-08-16', 'date=2017-08-16&date=2017-08-17&store_nbr=12&item_nbr=1', '%%%']) {
      const res = await call(base, `/v1/forecast?${query}`);
      expect(res.status, query).toBeGreaterThanOrEqual(400);
      expect(res.status, query).toBeLessThan(500);
    }
  });
});

describe('GET /v1/model', () => {
  it('names the version, run, origin, training window and backtest scores of the run', async () => {
    const res = await call(base, '/v1/model');
    expect(res.status).toBe(200);
    expect(schemas.modelInfoSchema.parse(res.body)).toEqual(res.body);
    const scores = await readBacktestScores(join(runDir, RUN_FILES.metrics));
    expect(res.body).toMatchObject({
      name: 'favorita-unit-sales',
      version: runId,
      run_id: runId,
      origin: TINY_ORIGIN,
      training_window: server.holder.current!.model.trainingWindow,
      stores: 4,
      series: reference.size,
    });
    expect(res.body.forecast_days).toEqual(Array.from({ length: 16 }, (_, h) => addDays(TINY_ORIGIN, h)));
    expect(res.body.backtest).toMatchObject({ metric: 'NWRMSLE', model: scores.model, baseline: scores.baseline, improvement: scores.improvement });
    expect(res.body.backtest.per_horizon).toHaveLength(16);
    expect(res.body.training_window.to < TINY_ORIGIN).toBe(true);
  });
});

describe('service routes', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await call(base, '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call(base, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', model_version: runId, origin: TINY_ORIGIN } });
  });

  it('answers unknown paths with 404 and wrong methods with 405, as JSON errors', async () => {
    expectError(await call(base, '/v2/forecast'), 404, 'not_found', /no route GET \/v2\/forecast; the API is described at \/openapi.json/);
    const wrong = await call(base, '/v1/model', { method: 'DELETE' });
    expectError(wrong, 405, 'method_not_allowed', /DELETE is not allowed on \/v1\/model/);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect((await call(base, '/admin/reload')).headers.get('allow')).toBe('POST');
  });

  it('serves an OpenAPI 3.1 document that describes every route, which openapi-spec-validator accepts', async () => {
    const res = await call(base, '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/admin/reload', '/healthz', '/metrics', '/openapi.json', '/readyz', '/v1/forecast', '/v1/forecast/series', '/v1/model']);
    expect(Object.keys(doc.paths['/v1/forecast']).sort()).toEqual(['get', 'post']);
    const params = doc.paths['/v1/forecast'].get.parameters;
    expect(params.map((p: any) => [p.name, p.in, p.required, p.schema.type ?? p.schema.$ref])).toEqual([
      ['store_nbr', 'query', true, 'integer'],
      ['item_nbr', 'query', true, 'integer'],
      ['date', 'query', true, 'string'],
    ]);
    expect(doc.components.schemas.BatchForecastRequest.properties.queries.maxItems).toBe(10_000);
    expect(Object.keys(doc.paths['/v1/forecast'].post.responses).sort()).toEqual(['200', '400', '404', '413', '415', '422', '503']);
    const file = join(await dirs.make('openapi'), 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const out = execFileSync(venvBin('python'), ['-c', 'import sys; from openapi_spec_validator import validate; from openapi_spec_validator.readers import read_from_filename; validate(read_from_filename(sys.argv[1])[0]); print("valid")', file], { encoding: 'utf8' });
    expect(out.trim()).toBe('valid');
  });

  it('exposes request counts and latency by route and status, the forecast distribution and the model version on /metrics', async () => {
    const before = metricValue(await metricsText(), 'shelfcast_http_requests_total', { method: 'GET', route: '/v1/forecast', status: '200' });
    const one = await call(base, `/v1/forecast?${qs({ ...warm, date: TINY_ORIGIN })}`);
    served.push({ ...warm, date: TINY_ORIGIN, unit_sales: one.body.forecast.unit_sales, cold_start: false });
    await call(base, `/v1/forecast?${qs({ store_nbr: 999, item_nbr: 1, date: TINY_ORIGIN })}`);
    const text = await metricsText();
    expect(metricValue(text, 'shelfcast_http_requests_total', { method: 'GET', route: '/v1/forecast', status: '200' })).toBe(before + 1);
    expect(metricValue(text, 'shelfcast_http_requests_total', { method: 'GET', route: '/v1/forecast', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'shelfcast_http_requests_total', { method: 'POST', route: '/v1/forecast', status: '413' })).toBe(1);
    expect(metricValue(text, 'shelfcast_http_requests_total', { method: 'GET', route: '(unmatched)', status: '404' })).toBe(1);
    expect(metricValue(text, 'shelfcast_http_request_duration_seconds_count', { method: 'GET', route: '/v1/forecast', status: '200' })).toBe(before + 1);
    expect(metricValue(text, 'shelfcast_http_request_duration_seconds_bucket', { le: '+Inf', method: 'POST', route: '/v1/forecast', status: '200' })).toBe(2);
    expect(metricValue(text, 'shelfcast_model_info', { model: 'favorita-unit-sales', version: runId, run_id: runId, origin: TINY_ORIGIN })).toBe(1);
    expect(metricValue(text, 'shelfcast_model_series', {})).toBe(reference.size);
    expect(metricValue(text, 'shelfcast_prediction_log_dropped_total', { reason: 'queue_full' })).toBe(0);
    expect(text).toMatch(/^# TYPE shelfcast_prediction_log_queue_depth gauge$/m);
    // The forecast distribution is counted as the prediction log takes the forecasts (within its flush interval).
    await new Promise((r) => setTimeout(r, 1_200));
    const later = await metricsText();
    const forecasts = metricValue(later, 'shelfcast_forecast_unit_sales_count', {});
    expect(forecasts).toBe(served.length);
    expect(metricValue(later, 'shelfcast_forecasts_total', { cold_start: 'true' })).toBe(served.filter((s) => s.cold_start).length);
    expect(metricValue(later, 'shelfcast_forecast_unit_sales_bucket', { le: '0' })).toBe(served.filter((s) => s.unit_sales === 0).length);
    expect(metricValue(later, 'shelfcast_forecast_unit_sales_sum', {})).toBeCloseTo(served.reduce((t, s) => t + s.unit_sales, 0), 2);
  });
});

describe('POST /admin/reload', () => {
  it('needs the bearer token: 401 without it or with another', async () => {
    const none = await call(base, '/admin/reload', { method: 'POST' });
    expectError(none, 401, 'unauthorized', /Authorization: Bearer <SHELFCAST_ADMIN_TOKEN>/);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expectError(await call(base, '/admin/reload', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}x` } }), 401, 'unauthorized', /Bearer/);
    expectError(await call(base, '/admin/reload', { method: 'POST', headers: { authorization: TOKEN } }), 401, 'unauthorized', /Bearer/);
  });

  it('reloads nothing when nothing changed, and reloads the same version on force', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const before = server.holder.current!;
    const same = await call(base, '/admin/reload', { method: 'POST', headers: auth });
    expect(same.status).toBe(200);
    expect(schemas.reloadResponseSchema.parse(same.body)).toEqual(same.body);
    expect(same.body).toMatchObject({ changed: false, model: { version: runId }, origin: TINY_ORIGIN, previous: null });
    expect(server.holder.current).toBe(before);
    const forced = await call(base, '/admin/reload?force=true', { method: 'POST', headers: auth });
    expect(forced.body).toMatchObject({ changed: true, model: { version: runId }, previous: { version: runId, origin: TINY_ORIGIN } });
    expect(server.holder.current!.id).toBeGreaterThan(before.id);
    expectError(await call(base, '/admin/reload?force=yes', { method: 'POST', headers: auth }), 400, 'invalid_query', /force must be true or false/, 'force');
  });

  it('is disabled with a 403 naming the variable when the server has no token', async () => {
    const app = createApp({ holder: server.holder, metrics: new ApiMetrics() });
    const plain: Server = createServer(app);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      expectError(await call(url, '/admin/reload', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }), 403, 'admin_disabled', /start the server with SHELFCAST_ADMIN_TOKEN set/);
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});

describe('the prediction log', () => {
  it('holds every served forecast, with its model version and origin, once the server has shut down', async () => {
    const started = Date.now();
    await server.close();
    const rows = await readPredictionLog(server.monitoringDb);
    expect(rows).toHaveLength(served.length);
    const key = (r: Record<string, unknown>) =>
      `${r.store_nbr}:${r.item_nbr}:${r.date}:${Number(r.unit_sales).toFixed(4)}:${r.cold_start}`;
    expect(rows.map(key).sort()).toEqual(served.map(key).sort());
    for (const r of rows) {
      expect(r).toMatchObject({ model_name: 'favorita-unit-sales', model_version: runId, run_id: runId, origin: TINY_ORIGIN });
      expect(Number(r.horizon)).toBe((Date.parse(String(r.date)) - Date.parse(TINY_ORIGIN)) / 86_400_000);
      expect(Date.parse(`${r.served_at}Z`)).toBeLessThanOrEqual(started);
    }
  });
});

async function metricsText(): Promise<string> {
  const res = await call(base, '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body as string;
}

/** One sample of a metric from the Prometheus text format; NaN when absent. */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(got).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return Number.NaN;
}
