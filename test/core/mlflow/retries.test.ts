import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackingError, TrackingNotFoundError, TrackingUnavailableError } from '../../../core/errors.js';
import { runArtifactPath } from '../../../core/mlflow/artifact-path.js';
import { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { FAST_RETRY, startTestMlflow, uniqueName, type TestMlflow } from '../../support/mlflow-server.js';

let mlflow: TestMlflow;
let proxy: FaultProxy;

beforeAll(async () => {
  mlflow = await startTestMlflow();
});

afterAll(async () => {
  await mlflow?.stop();
});

afterEach(async () => {
  await proxy?.close();
});

/** A logger that keeps the messages it is given. */
function recordingLogger(): { logger: pino.Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void messages.push((JSON.parse(line) as { msg: string }).msg) });
  return { logger, messages };
}

function viaProxy(retry = FAST_RETRY, extra: Partial<Parameters<typeof MlflowClient.create>[0]> = {}): MlflowClient {
  return MlflowClient.create({ trackingUri: proxy.url, retry, ...extra });
}

describe('retries against a real server that goes away', () => {
  it('completes a sequence of calls while the server is stopped and started again', async () => {
    const { logger, messages } = recordingLogger();
    // Patient enough to outlast a restart (start-up takes 10–30 s here), quick to notice the server is back.
    const client = mlflow.clientWith({ retry: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 1000, maxElapsedMs: 180_000 }, logger });
    const exp = await client.experiments.getOrCreate(uniqueName('restart'));
    const run = await client.runs.create({ experimentId: exp.experimentId });
    const file = join(mlflow.dataDir, 'note.txt');
    await writeFile(file, 'still here');

    let done = 0;
    const sequence = (async () => {
      for (let step = 0; step < 12; step++) {
        await client.runs.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: 1 / (step + 1), step, timestamp: 1000 + step }] });
        await client.runs.setTag(run.info.runId, 'last_step', String(step));
        await client.runs.create({ experimentId: exp.experimentId, runName: `child-${step}` });
        await client.artifacts.upload(file, runArtifactPath(run.info, `notes/${step}.txt`));
        done += 1;
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    while (done < 2) await new Promise((r) => setTimeout(r, 50));
    const pid = mlflow.server.state.pid;
    await mlflow.restart();
    expect(mlflow.server.state.pid).not.toBe(pid);
    await sequence;

    expect(messages.filter((m) => m === 'retrying MLflow call').length).toBeGreaterThan(0);
    const history = await client.runs.getMetricHistory(run.info.runId, 'loss');
    expect(history.map((m) => m.step)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect((await client.runs.get(run.info.runId)).tags.last_step).toBe('11');
    const children = (await client.runs.search({ experimentIds: [exp.experimentId], filter: "attributes.run_name LIKE 'child-%'" })).items;
    expect(children.map((r) => r.info.runName).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `child-${i}`).sort());
    expect((await client.artifacts.list(runArtifactPath(run.info, 'notes'))).length).toBe(12);
  });
});

describe('retries through a fault-injecting proxy', () => {
  it('retries 503 and 429 until the call goes through', async () => {
    proxy = await startFaultProxy(mlflow.server.trackingUri);
    proxy.decide = (_m, path, nth) => (path.endsWith('/experiments/get-by-name') && nth <= 2 ? { status: nth === 1 ? 503 : 429 } : 'forward');
    const name = uniqueName('flaky');
    await mlflow.client.experiments.create(name);
    expect((await viaProxy().experiments.getByName(name)).name).toBe(name);
    expect(proxy.seen.map((s) => s.action)).toEqual([{ status: 503 }, { status: 429 }, 'forward']);
  });

  it('never retries other 4xx answers', async () => {
    proxy = await startFaultProxy(mlflow.server.trackingUri);
    await expect(viaProxy().runs.get('0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(TrackingNotFoundError);
    expect(proxy.seen).toHaveLength(1);
  });

  it('does not repeat a create that is unsafe to repeat after an answer was lost, but does after a refusal', async () => {
    proxy = await startFaultProxy(mlflow.server.trackingUri);
    const name = uniqueName('once');
    proxy.decide = (_m, path) => (path.endsWith('/experiments/create') ? 'drop-answer' : 'forward');
    const err = await viaProxy().experiments.create(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingUnavailableError);
    expect((err as Error).message).toMatch(/^POST \/api\/2\.0\/mlflow\/experiments\/create: no answer from the tracking server at http:\/\/127\.0\.0\.1:\d+ \(ECONNRESET/);
    expect(proxy.seen).toHaveLength(1);
    // The server did create it, which get-or-create, safe to repeat, copes with.
    expect((await viaProxy().experiments.getOrCreate(name)).name).toBe(name);

    proxy.decide = (_m, path, nth) => (path.endsWith('/experiments/create') && nth <= 2 ? { status: 503 } : 'forward');
    expect(await viaProxy().experiments.create(uniqueName('refused'))).toMatch(/^\d+$/);
  });

  it('makes exactly one run and one model version when the answer to the create is lost', async () => {
    proxy = await startFaultProxy(mlflow.server.trackingUri);
    proxy.decide = (_m, path, nth) => (/\/(runs|model-versions)\/create$/.test(path) && nth === 1 ? 'drop-answer' : 'forward');
    const client = viaProxy();
    const exp = await client.experiments.getOrCreate(uniqueName('lost'));
    const run = await client.runs.create({ experimentId: exp.experimentId, runName: 'only-once' });
    const runs = (await mlflow.client.runs.search({ experimentIds: [exp.experimentId] })).items;
    expect(runs.map((r) => r.info.runId)).toEqual([run.info.runId]);

    const model = uniqueName('lost-model');
    await client.registry.createModel(model);
    const version = await client.registry.createVersion({ name: model, source: `runs:/${run.info.runId}/model`, runId: run.info.runId });
    const versions = (await mlflow.client.registry.searchVersions({ filter: `name = '${model}'` })).items;
    expect(versions.map((v) => v.version)).toEqual([version.version]);
    expect(proxy.seen.filter((s) => s.action === 'drop-answer')).toHaveLength(2);
  });

  it('gives up after the configured attempts with the last failure and how long it tried', async () => {
    proxy = await startFaultProxy(mlflow.server.trackingUri);
    proxy.decide = () => ({ status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'database is locked' } });
    const err = await viaProxy({ ...FAST_RETRY, maxAttempts: 3 }).runs.get('abc').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingError);
    expect((err as Error).message).toMatch(/^GET \/api\/2\.0\/mlflow\/runs\/get: INTERNAL_ERROR \(HTTP 500\): database is locked \(gave up after 3 attempts over \d+\.\d s\)$/);
    expect(proxy.seen).toHaveLength(3);
  });

  it('times out an unanswered call and retries it', async () => {
    proxy = await startFaultProxy(mlflow.server.trackingUri);
    proxy.decide = (_m, _p, nth) => (nth === 1 ? 'hang' : 'forward');
    const name = uniqueName('slow');
    await mlflow.client.experiments.create(name);
    const started = Date.now();
    expect((await viaProxy(FAST_RETRY, { requestTimeoutMs: 300 }).experiments.getByName(name)).name).toBe(name);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(proxy.seen.map((s) => s.action)).toEqual(['hang', 'forward']);
  });
});
