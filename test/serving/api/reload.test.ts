/**
 * Loading and reloading against a real server on a loopback port: not ready until the first snapshot is scored;
 * a reload under concurrent load fails no request and never mixes two versions in one response; polling follows
 * a newer run and a new day in the lake.
 */
import { copyFile, cp, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../pipelines/features/index.js';
import { ingest } from '../../../pipelines/ingest/index.js';
import { generateDataset } from '../../../pipelines/synthetic/index.js';
import { LocalRunSource } from '../../../serving/model/local-run-source.js';
import { horizonOfDate, seriesRow, unitSalesAt } from '../../../serving/state/forecast-lookup.js';
import { buildForecastState } from '../../../serving/state/forecast-state.js';
import { scoreInProcess, scoreInWorker, type SnapshotScorer } from '../../../serving/state/snapshot-scorer.js';
import {
  call,
  qs,
  readPredictionLog,
  startTinyServer,
  TINY_ORIGIN,
  tinyTestQueries,
  trainTinyRun,
  waitFor,
} from '../../support/serving-fixture.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';
import { tinyLake, type TinyLake } from '../../support/tiny-lake.js';

const TOKEN = 'reload-test-admin-token';
const dirs = tempDirs();
let tiny: TinyLake;
/** Runs trained aside, published into a served runs directory when a test needs a new version to appear. */
let trained: string;
let queries: { store_nbr: number; item_nbr: number; date: string }[];

beforeAll(async () => {
  tiny = await tinyLake(dirs, 'reload', 33);
  trained = await dirs.make('reload-trained');
  for (const [id, rounds] of [['run-a', 20], ['run-b', 4], ['run-c', 8]] as const) await trainTinyRun(tiny, trained, id, rounds);
  queries = await tinyTestQueries(tiny);
});
afterAll(async () => {
  tiny?.lake.close();
  await dirs.cleanup();
});

describe('the first load', () => {
  it('keeps /readyz at 503 and forecasts at 503 until the snapshot is scored; /healthz answers throughout', async () => {
    const runsDir = await dirs.make('first-runs');
    await publish('run-a', runsDir);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The real worker-thread scorer, started only when the test lets it.
    const gated: SnapshotScorer = async (job, signal) => {
      await gate;
      return scoreInWorker(job, signal);
    };
    const server = await startTinyServer(tiny, dirs, { runsDir, scorer: gated });
    try {
      expect(await call(server.url, '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await call(server.url, '/readyz')).toMatchObject({ status: 503, body: { status: 'loading' } });
      const early = await call(server.url, `/v1/forecast?${qs(queries[0])}`);
      expect(early.status).toBe(503);
      expect(early.body.error).toMatchObject({ code: 'not_ready', message: expect.stringMatching(/still loading/) });
      expect((await call(server.url, '/v1/model')).status).toBe(503);
      expect((await call(server.url, '/metrics')).status).toBe(200);
      open();
      await server.ready;
      expect(await call(server.url, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', model_version: 'run-a' } });
      expect((await call(server.url, `/v1/forecast?${qs(queries[0])}`)).status).toBe(200);
    } finally {
      await server.close();
    }
    expect(await call(server.url, '/healthz').catch((e: Error) => e.message)).toMatch(/fetch failed/);
  });
});

describe('POST /admin/reload under load', () => {
  it('switches to the new run atomically: no request fails and each response comes from one version', async () => {
    const runsDir = await dirs.make('load-runs');
    await publish('run-a', runsDir);
    const server = await startTinyServer(tiny, dirs, { runsDir, adminToken: TOKEN });
    await server.ready;
    const values = new Map<string, Map<string, number>>([
      ['run-a', await allForecasts(server.url, 'run-a')],
      ['run-b', await forecastsOf('run-b')],
    ]);

    const observed: { version: string; kind: string }[] = [];
    const failures: string[] = [];
    let stop = false;
    const deadline = Date.now() + 60_000;
    const client = async (k: number): Promise<string[]> => {
      const versions: string[] = [];
      for (let i = 0; !stop && Date.now() < deadline; i++) {
        const kind = ['single', 'series', 'batch'][(i + k) % 3];
        try {
          const version = await checkedRequest(server.url, kind, i * 7 + k, values);
          versions.push(version);
          observed.push({ version, kind });
        } catch (err) {
          failures.push(`client ${k}, ${kind}: ${(err as Error).message}`);
        }
        // Paced: the point is requests in flight across the swap, not saturating two shared cores.
        await new Promise((r) => setTimeout(r, 5));
      }
      return versions;
    };
    const clients = Array.from({ length: 4 }, (_, k) => client(k));
    await waitFor(() => observed.length >= 40);

    // The new run appears as a finished training publishes it (one rename), and is loaded on request.
    await publish('run-b', runsDir);
    const reload = await call(server.url, '/admin/reload', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reload.status).toBe(200);
    expect(reload.body).toMatchObject({ changed: true, model: { version: 'run-b' }, origin: TINY_ORIGIN, previous: { version: 'run-a', origin: TINY_ORIGIN } });
    const countAtSwap = observed.length;
    expect(await allForecasts(server.url, 'run-b')).toEqual(values.get('run-b'));
    await waitFor(() => observed.length >= countAtSwap + 40);
    stop = true;
    const perClient = await Promise.all(clients);
    await server.close();

    expect(failures).toEqual([]);
    const versions = new Set(observed.map((o) => o.version));
    expect([...versions].sort()).toEqual(['run-a', 'run-b']);
    for (const kind of ['single', 'series', 'batch']) expect(observed.filter((o) => o.kind === kind && o.version === 'run-b').length).toBeGreaterThan(0);
    // Requests of one client run one after another: once one saw the new version, none after it sees the old.
    for (const seen of perClient) expect(seen.slice(seen.indexOf('run-b')).every((v) => v === 'run-b')).toBe(true);
    // The two runs forecast differently, so a response mixing them would not have matched either above.
    let differing = 0;
    for (const [key, a] of values.get('run-a')!) if (Math.abs(a - values.get('run-b')!.get(key)!) > 1e-3) differing++;
    expect(differing).toBeGreaterThan(values.get('run-a')!.size / 2);

    const log = await readPredictionLog(server.monitoringDb);
    expect([...new Set(log.map((r) => r.model_version))].sort()).toEqual(['run-a', 'run-b']);
    const wrong = log.filter((r) => values.get(String(r.model_version))!.get(`${r.store_nbr}:${r.item_nbr}:${r.date}`) !== Number(r.unit_sales));
    expect(wrong).toEqual([]);
  });
});

describe('polling', () => {
  it('follows a newer run in the runs directory and a new sales day in the lake', async () => {
    const runsDir = await dirs.make('poll-runs');
    await publish('run-a', runsDir);
    const server = await startTinyServer(tiny, dirs, { runsDir, pollIntervalMs: 250 });
    try {
      await server.ready;
      expect((await call(server.url, '/v1/model')).body).toMatchObject({ version: 'run-a', origin: TINY_ORIGIN });

      await publish('run-c', runsDir);
      await waitFor(async () => (await call(server.url, '/v1/model')).body.version === 'run-c');

      // A daily drop of the next day's sales moves the origin one day on.
      const world = await dirs.make('poll-world');
      await generateDataset({ scale: 'tiny', seed: 33, outDir: world, daily: 1 }, {});
      const drop = await dirs.make('poll-drop');
      await copyFile(join(world, 'daily', `train_${TINY_ORIGIN}.csv`), join(drop, `train_${TINY_ORIGIN}.csv`));
      await ingest({ source: drop }, { config: localLakeConfig(tiny.lake.location, tiny.cacheDir) });
      const next = addDays(TINY_ORIGIN, 1);
      await waitFor(async () => (await call(server.url, '/v1/model')).body.origin === next);

      const model = (await call(server.url, '/v1/model')).body;
      expect(model).toMatchObject({ version: 'run-c', origin: next });
      expect(model.forecast_days.at(-1)).toBe(addDays(next, 15));
      const q = queries[0];
      expect((await call(server.url, `/v1/forecast?${qs({ ...q, date: addDays(next, 15) })}`)).status).toBe(200);
      const gone = await call(server.url, `/v1/forecast?${qs({ ...q, date: TINY_ORIGIN })}`);
      expect(gone.status).toBe(422);
      expect(gone.body.error.message).toContain(`expected a day from ${next} … ${addDays(next, 15)}`);
      expect(await call(server.url, '/metrics').then((r) => r.body as string)).toMatch(/^shelfcast_model_reloads_total\{outcome="changed"\} 3$/m);
    } finally {
      await server.close();
    }
  });
});

/** Every test-row forecast of the version now served, keyed `store:item:date`. */
async function allForecasts(base: string, version: string): Promise<Map<string, number>> {
  const res = await call(base, '/v1/forecast', { body: { queries } });
  expect(res.status).toBe(200);
  expect(res.body.model.version).toBe(version);
  return new Map(res.body.forecasts.map((f: any) => [`${f.store_nbr}:${f.item_nbr}:${f.date}`, f.unit_sales]));
}

/**
 * What a version would serve for every test row, keyed `store:item:date`: its snapshot scored in this process
 * through the same steps as the server's, looked up the same way.
 */
async function forecastsOf(runId: string): Promise<Map<string, number>> {
  const source = new LocalRunSource({ path: join(trained, runId), modelName: 'favorita-unit-sales' });
  const model = await source.load(await source.current());
  const scored = await scoreInProcess({ lake: localLakeConfig(tiny.lake.location, tiny.cacheDir), cacheDir: tiny.cacheDir, origin: TINY_ORIGIN, onnxPath: model.onnxPath, categories: model.categories });
  const state = buildForecastState({ ...scored, id: 0, model: model.identity, loadedAt: '', loadSeconds: 0 });
  return new Map(queries.map((q) => [`${q.store_nbr}:${q.item_nbr}:${q.date}`, unitSalesAt(state, seriesRow(state, q.store_nbr, q.item_nbr), horizonOfDate(state, q.date))]));
}

/** Copies a trained run into a runs directory under a hidden name, then renames it into place, as training publishes runs. */
async function publish(runId: string, runsDir: string): Promise<void> {
  await copyDir(join(trained, runId), join(runsDir, `.${runId}.partial`));
  await rename(join(runsDir, `.${runId}.partial`), join(runsDir, runId));
}

/**
 * One request of a kind; throws unless it succeeded and every forecast in it equals the forecast of the version
 * it names. Returns the version.
 */
async function checkedRequest(base: string, kind: string, n: number, valuesByVersion: ReadonlyMap<string, ReadonlyMap<string, number>>): Promise<string> {
  const q = queries[n % queries.length];
  const res =
    kind === 'single'
      ? await call(base, `/v1/forecast?${qs(q)}`)
      : kind === 'series'
        ? await call(base, `/v1/forecast/series?${qs({ store_nbr: q.store_nbr, item_nbr: q.item_nbr })}`)
        : await call(base, '/v1/forecast', { body: { queries: queries.slice(n % 1000, (n % 1000) + 50) } });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(res.body)}`);
  const version: string = res.body.model.version;
  const forecasts: { store_nbr: number; item_nbr: number; date: string; unit_sales: number }[] =
    kind === 'single' ? [res.body.forecast] : kind === 'series' ? res.body.forecasts.map((f: any) => ({ ...f, store_nbr: q.store_nbr, item_nbr: q.item_nbr })) : res.body.forecasts;
  const values = valuesByVersion.get(version);
  if (!values) throw new Error(`unexpected version ${version}`);
  for (const f of forecasts) {
    const want = values.get(`${f.store_nbr}:${f.item_nbr}:${f.date}`);
    if (want !== f.unit_sales) throw new Error(`${version} answered ${f.unit_sales} for ${f.store_nbr}:${f.item_nbr}:${f.date}, its forecast is ${want}`);
  }
  return version;
}

async function copyDir(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  await cp(from, to, { recursive: true });
}
