import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingAlreadyExistsError, TrackingInvalidRequestError, TrackingNotFoundError } from '../../../core/errors.js';
import type { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { REQUEST_ID_TAG } from '../../../core/mlflow/safe-create.js';
import { startTestMlflow, uniqueName, type TestMlflow } from '../../support/mlflow-server.js';

let mlflow: TestMlflow;
let client: MlflowClient;

beforeAll(async () => {
  mlflow = await startTestMlflow();
  client = mlflow.client;
});

afterAll(async () => {
  await mlflow?.stop();
});

async function freshRun(name = 'r'): Promise<{ experimentId: string; runId: string }> {
  const exp = await client.experiments.getOrCreate(uniqueName('exp'));
  const run = await client.runs.create({ experimentId: exp.experimentId, runName: name });
  return { experimentId: exp.experimentId, runId: run.info.runId };
}

describe('experiments', () => {
  it('creates, gets by name and id, and get-or-create returns the same experiment', async () => {
    const name = uniqueName('favorita');
    await expect(client.experiments.getByName(name)).rejects.toBeInstanceOf(TrackingNotFoundError);
    const id = await client.experiments.create(name, { tags: { team: 'forecasting' } });
    const byName = await client.experiments.getByName(name);
    expect(byName).toMatchObject({ experimentId: id, name, lifecycleStage: 'active', tags: { team: 'forecasting' } });
    expect(byName.artifactLocation).toBe(`mlflow-artifacts:/${id}`);
    expect((await client.experiments.get(id)).name).toBe(name);
    expect((await client.experiments.getOrCreate(name)).experimentId).toBe(id);
    const fresh = await client.experiments.getOrCreate(uniqueName('other'));
    expect(fresh.experimentId).not.toBe(id);
  });

  it('maps a taken name to TrackingAlreadyExistsError naming the endpoint and the server message', async () => {
    const name = uniqueName('dup');
    await client.experiments.create(name);
    const err = await client.experiments.create(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingAlreadyExistsError);
    expect((err as TrackingAlreadyExistsError).mlflowCode).toBe('RESOURCE_ALREADY_EXISTS');
    expect((err as Error).message).toMatch(/^POST \/api\/2\.0\/mlflow\/experiments\/create: RESOURCE_ALREADY_EXISTS \(HTTP 400\): Experiment\(name=dup-/);
  });

  it('runs concurrent get-or-create calls to one experiment', async () => {
    const name = uniqueName('race');
    const ids = await Promise.all([1, 2, 3, 4].map(() => client.experiments.getOrCreate(name).then((e) => e.experimentId)));
    expect(new Set(ids).size).toBe(1);
  });
});

describe('runs', () => {
  it('creates a run with tags and reads it back, then terminates it', async () => {
    const exp = await client.experiments.getOrCreate(uniqueName('runs'));
    const run = await client.runs.create({ experimentId: exp.experimentId, runName: 'train-1', startTime: 1_700_000_000_000, tags: { origin: '2017-07-26' } });
    expect(run.info).toMatchObject({ experimentId: exp.experimentId, runName: 'train-1', status: 'RUNNING', startTime: 1_700_000_000_000 });
    expect(run.info.artifactUri).toBe(`mlflow-artifacts:/${exp.experimentId}/${run.info.runId}/artifacts`);
    const got = await client.runs.get(run.info.runId);
    expect(got.tags.origin).toBe('2017-07-26');
    expect(got.tags['mlflow.runName']).toBe('train-1');
    expect(got.tags[REQUEST_ID_TAG]).toMatch(/^[0-9a-f-]{36}$/);

    const info = await client.runs.terminate(run.info.runId, 'FAILED', 1_700_000_100_000);
    expect(info).toMatchObject({ status: 'FAILED', endTime: 1_700_000_100_000 });
    expect((await client.runs.get(run.info.runId)).info.status).toBe('FAILED');
    const renamed = await client.runs.update({ runId: run.info.runId, runName: 'train-1b' });
    expect(renamed.runName).toBe('train-1b');
  });

  it('maps a missing run to TrackingNotFoundError with the endpoint and the server message', async () => {
    const err = await client.runs.get('0123456789abcdef0123456789abcdef').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingNotFoundError);
    expect(err).toMatchObject({ status: 404, mlflowCode: 'RESOURCE_DOES_NOT_EXIST', endpoint: 'GET /api/2.0/mlflow/runs/get' });
    expect((err as Error).message).toBe(
      'GET /api/2.0/mlflow/runs/get: RESOURCE_DOES_NOT_EXIST (HTTP 404): Run with id=0123456789abcdef0123456789abcdef not found',
    );
  });

  it('searches with a filter and order, page by page', async () => {
    const exp = await client.experiments.getOrCreate(uniqueName('search'));
    for (let i = 0; i < 5; i++) {
      const run = await client.runs.create({ experimentId: exp.experimentId, runName: `r${i}`, startTime: 1000 + i });
      await client.runs.logBatch(run.info.runId, { metrics: [{ key: 'rmse', value: 1 - i / 10 }], params: { fold: i % 2 === 0 ? 'even' : 'odd' } });
    }
    const query = { experimentIds: [exp.experimentId], filter: "params.fold = 'even'", orderBy: ['metrics.rmse ASC'], maxResults: 2 };
    const first = await client.runs.search(query);
    expect(first.items.map((r) => r.info.runName)).toEqual(['r4', 'r2']);
    expect(first.nextPageToken).toBeTruthy();
    const second = await client.runs.search({ ...query, pageToken: first.nextPageToken });
    expect(second.items.map((r) => r.info.runName)).toEqual(['r0']);
    expect(second.nextPageToken).toBeUndefined();

    const all: string[] = [];
    for await (const run of client.runs.searchAll({ experimentIds: [exp.experimentId], orderBy: ['attributes.start_time DESC'], maxResults: 2 })) {
      all.push(run.info.runName);
    }
    expect(all).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
  });

  it('sets and deletes run tags', async () => {
    const { runId } = await freshRun();
    await client.runs.setTag(runId, 'stage', 'candidate');
    await client.runs.setTag(runId, 'stage', 'champion');
    expect((await client.runs.get(runId)).tags.stage).toBe('champion');
    await client.runs.deleteTag(runId, 'stage');
    expect((await client.runs.get(runId)).tags.stage).toBeUndefined();
    await expect(client.runs.deleteTag(runId, 'stage')).rejects.toBeInstanceOf(TrackingNotFoundError);
  });
});

describe('log-batch', () => {
  it('lands 2,500 metrics, 250 params and 150 tags complete in the fewest requests the limits allow', async () => {
    const { runId } = await freshRun();
    const keys = ['loss', 'rmse', 'nwrmsle', 'mae', 'lr'];
    const metrics = keys.flatMap((key, k) => Array.from({ length: 500 }, (_, step) => ({ key, value: k * 1000 + step / 7, step, timestamp: 1_000_000 + step })));
    const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${String(i).padStart(3, '0')}`, `v${i}`]));
    const tags = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`t${i}`, `w${i}`]));

    const { requests } = await client.runs.logBatch(runId, { metrics, params, tags });
    // 2,900 entities at most 1,000 per request (and at most 100 params / 100 tags each): 3 requests.
    expect(requests).toBe(3);

    const run = await client.runs.get(runId);
    expect(run.params).toEqual(params);
    for (const [k, v] of Object.entries(tags)) expect(run.tags[k]).toBe(v);
    for (const [k, key] of keys.entries()) {
      const history = await client.runs.getMetricHistory(runId, key);
      expect(history).toHaveLength(500);
      expect(history.map((m) => m.step).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, s) => s));
      for (const m of history) expect(m.value).toBe(k * 1000 + m.step / 7);
    }
  });

  it('is safe to repeat: the same batch again changes nothing', async () => {
    const { runId } = await freshRun();
    const batch = { metrics: [{ key: 'm', value: 1.5, step: 0, timestamp: 42 }], params: { a: '1' }, tags: { t: 'x' } };
    await client.runs.logBatch(runId, batch);
    await client.runs.logBatch(runId, batch);
    expect(await client.runs.getMetricHistory(runId, 'm')).toEqual([{ key: 'm', value: 1.5, step: 0, timestamp: 42 }]);
    expect((await client.runs.get(runId)).params).toEqual({ a: '1' });
  });

  it('keeps NaN, and gets ±Infinity back as ±Number.MAX_VALUE (the SQL store clamps them)', async () => {
    const { runId } = await freshRun();
    await client.runs.logBatch(runId, {
      metrics: [
        { key: 'odd', value: Number.NaN, step: 0, timestamp: 1 },
        { key: 'odd', value: Infinity, step: 1, timestamp: 2 },
        { key: 'odd', value: -Infinity, step: 2, timestamp: 3 },
        { key: 'odd', value: 0, step: 3, timestamp: 4 },
      ],
    });
    const values = (await client.runs.getMetricHistory(runId, 'odd')).map((m) => m.value);
    expect(values).toEqual([Number.NaN, Number.MAX_VALUE, -Number.MAX_VALUE, 0]);
  });

  it('refuses invalid entities before sending anything', async () => {
    const { runId } = await freshRun();
    const good = Array.from({ length: 1500 }, (_, i) => ({ key: 'ok', value: i, step: i, timestamp: 5 }));
    const cases: [Parameters<MlflowClient['runs']['logBatch']>[1], RegExp][] = [
      [{ metrics: [...good, { key: '../escape', value: 1 }] }, /metrics\[1500\]\.key "\.\.\/escape": names must not .* \(not sent\)/],
      [{ metrics: [...good, { key: 'bad!', value: 1 }] }, /metrics\[1500\]\.key "bad!": names may only contain/],
      [{ metrics: [...good, { key: 'x', value: '1' as unknown as number }] }, /metrics\[1500\]\.value "1": expected a number/],
      [{ metrics: [...good, { key: 'x', value: 1, step: 0.5 }] }, /metrics\[1500\]\.step 0\.5: expected an integer/],
      [{ metrics: good, params: { long: 'x'.repeat(6001) } }, /params\["long"\] .*longer than MLflow's limit of 6000 characters/],
      [{ metrics: good, tags: { ['k'.repeat(251)]: 'v' } }, /tags\[0\]\.key .*longer than MLflow's limit of 250 characters/],
    ];
    for (const [input, message] of cases) {
      const err = await client.runs.logBatch(runId, input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TrackingInvalidRequestError);
      expect((err as Error).message).toMatch(/^POST \/api\/2\.0\/mlflow\/runs\/log-batch: /);
      expect((err as Error).message).toMatch(message);
    }
    const run = await client.runs.get(runId);
    expect(run.metrics).toEqual([]);
    expect(run.params).toEqual({});
  });

  it('accepts values exactly at the limits and names MLflow allows', async () => {
    const { runId } = await freshRun();
    const param = 'é'.repeat(6000);
    const key = `größe/${'k'.repeat(240)}`;
    await client.runs.logBatch(runId, { params: { [key]: param, 'a b:c-d.e_f': '' }, tags: { t: 'z'.repeat(8000) } });
    const run = await client.runs.get(runId);
    expect(run.params[key]).toBe(param);
    expect(run.params['a b:c-d.e_f']).toBe('');
    expect(run.tags.t).toHaveLength(8000);
  });

  it('surfaces the server refusing to change a param as TrackingInvalidRequestError', async () => {
    const { runId } = await freshRun();
    await client.runs.logBatch(runId, { params: { lr: '0.1' } });
    const err = await client.runs.logBatch(runId, { params: { lr: '0.2' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingInvalidRequestError);
    expect((err as Error).message).toMatch(/INVALID_PARAMETER_VALUE \(HTTP 400\): Changing param values is not allowed/);
  });
});
