import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config.js';
import { ConfigError } from '../../../core/errors.js';
import { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { shelfcastVersion } from '../../../core/version.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';

// A small HTTP server on loopback that records each request's headers and answers `{}`: what is under test is
// what the client sends, which a real MLflow server without its auth app does not check.
let recorder: FaultProxy;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shelfcast-auth-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  await recorder?.close();
});

async function headersSent(env: NodeJS.ProcessEnv): Promise<Record<string, string | string[] | undefined>[]> {
  recorder = await startFaultProxy();
  const client = MlflowClient.fromConfig(loadConfig({ ...env, MLFLOW_TRACKING_URI: recorder.url }));
  const file = join(scratch, 'a.txt');
  await writeFile(file, 'artifact');
  await client.runs.setTag('run1', 'k', 'v');
  await client.artifacts.upload(file, '1/run1/artifacts/a.txt');
  await client.artifacts.download('1/run1/artifacts/a.txt', join(scratch, 'back.txt'));
  expect(await readFile(join(scratch, 'back.txt'), 'utf8')).toBe('{}');
  expect(recorder.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
    'POST /api/2.0/mlflow/runs/set-tag',
    'PUT /api/2.0/mlflow-artifacts/artifacts/1/run1/artifacts/a.txt',
    'GET /api/2.0/mlflow-artifacts/artifacts/1/run1/artifacts/a.txt',
  ]);
  return recorder.seen.map((s) => s.headers);
}

describe('authentication headers', () => {
  it('sends HTTP basic auth from MLFLOW_TRACKING_USERNAME/PASSWORD on JSON calls and artifact streams', async () => {
    const headers = await headersSent({ MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 'pä:ss' });
    const expected = `Basic ${Buffer.from('ana:pä:ss', 'utf8').toString('base64')}`;
    for (const h of headers) {
      expect(h.authorization).toBe(expected);
      expect(h['user-agent']).toBe(`shelfcast/${shelfcastVersion()}`);
    }
  });

  it('sends a bearer token from MLFLOW_TRACKING_TOKEN', async () => {
    const headers = await headersSent({ MLFLOW_TRACKING_TOKEN: 'tok-123' });
    for (const h of headers) expect(h.authorization).toBe('Bearer tok-123');
  });

  it('prefers basic auth when both kinds are set, as MLflow does', async () => {
    const headers = await headersSent({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' });
    expect(headers[0].authorization).toMatch(/^Basic /);
  });

  it('sends no Authorization header without credentials', async () => {
    const headers = await headersSent({});
    for (const h of headers) expect(h.authorization).toBeUndefined();
  });
});

describe('client configuration', () => {
  it('names the missing half of basic auth', () => {
    expect(() => loadConfig({ MLFLOW_TRACKING_USERNAME: 'u' })).toThrow(ConfigError);
    expect(() => loadConfig({ MLFLOW_TRACKING_USERNAME: 'u' })).toThrow(/^MLFLOW_TRACKING_PASSWORD is not set: basic auth/);
    expect(() => loadConfig({ MLFLOW_TRACKING_PASSWORD: 'p' })).toThrow(/^MLFLOW_TRACKING_USERNAME is not set/);
  });

  it('needs an http(s) tracking URI', () => {
    expect(() => MlflowClient.fromConfig(loadConfig({}))).toThrow(/MLFLOW_TRACKING_URI is not set/);
    expect(() => loadConfig({ MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' })).toThrow(/MLFLOW_TRACKING_URI=.*expected an http:\/\/ or https:\/\/ URL/);
    expect(() => MlflowClient.create({ trackingUri: 'databricks' })).toThrow(ConfigError);
  });

  it('keeps a path prefix of the tracking URI', async () => {
    recorder = await startFaultProxy();
    await MlflowClient.create({ trackingUri: `${recorder.url}/mlflow/` }).runs.setTag('r', 'k', 'v');
    expect(recorder.seen[0].path).toBe('/mlflow/api/2.0/mlflow/runs/set-tag');
  });
});
