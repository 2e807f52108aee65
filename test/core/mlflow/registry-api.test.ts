import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingAlreadyExistsError, TrackingInvalidRequestError, TrackingNotFoundError } from '../../../core/errors.js';
import { runArtifactPath } from '../../../core/mlflow/artifact-path.js';
import type { Run } from '../../../core/mlflow/entities.js';
import type { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { REQUEST_ID_TAG } from '../../../core/mlflow/safe-create.js';
import { startTestMlflow, uniqueName, type TestMlflow } from '../../support/mlflow-server.js';

let mlflow: TestMlflow;
let client: MlflowClient;
let run: Run;

beforeAll(async () => {
  mlflow = await startTestMlflow();
  client = mlflow.client;
  const exp = await client.experiments.getOrCreate(uniqueName('registry'));
  run = await client.runs.create({ experimentId: exp.experimentId, runName: 'train' });
});

afterAll(async () => {
  await mlflow?.stop();
});

describe('registered models', () => {
  it('creates, gets and get-or-creates a model', async () => {
    const name = uniqueName('favorita-unit-sales');
    await expect(client.registry.getModel(name)).rejects.toBeInstanceOf(TrackingNotFoundError);
    const created = await client.registry.createModel(name, { description: '16-day forecasts', tags: { owner: 'ml' } });
    expect(created).toMatchObject({ name, description: '16-day forecasts', tags: { owner: 'ml' }, aliases: {} });
    expect(await client.registry.getModel(name)).toMatchObject({ name, description: '16-day forecasts' });
    expect((await client.registry.getOrCreateModel(name)).creationTimestamp).toBe(created.creationTimestamp);
    await expect(client.registry.createModel(name)).rejects.toThrow(TrackingAlreadyExistsError);
    const other = uniqueName('other');
    expect((await client.registry.getOrCreateModel(other, { description: 'new' })).description).toBe('new');
  });

  it('refuses model names MLflow cannot hold before sending', async () => {
    await expect(client.registry.createModel('a/b')).rejects.toThrow(/name "a\/b": model names cannot contain "\/" or ":" \(not sent\)/);
    await expect(client.registry.getModel('')).rejects.toBeInstanceOf(TrackingInvalidRequestError);
  });
});

describe('model versions', () => {
  it('registers versions with source and run id, waits until READY, and searches them page by page', async () => {
    const name = uniqueName('versions');
    await client.registry.createModel(name);
    const source = runArtifactPath(run.info, 'model');
    const v1 = await client.registry.createVersion({ name, source: `${run.info.artifactUri}/model`, runId: run.info.runId, tags: { origin: '2017-07-26' } });
    expect(v1).toMatchObject({ name, version: '1', source: `mlflow-artifacts:/${source}`, runId: run.info.runId });
    expect(v1.tags.origin).toBe('2017-07-26');
    expect(v1.tags[REQUEST_ID_TAG]).toBeTruthy();
    const v2 = await client.registry.createVersion({ name, source: `runs:/${run.info.runId}/model`, runId: run.info.runId, description: 'second' });
    expect(v2.version).toBe('2');

    const ready = await client.registry.waitUntilReady(name, '2', { intervalMs: 100, timeoutMs: 10_000 });
    expect(ready).toMatchObject({ status: 'READY', description: 'second', source: `runs:/${run.info.runId}/model` });
    expect((await client.registry.getVersion(name, '1')).runId).toBe(run.info.runId);
    await expect(client.registry.getVersion(name, '9')).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST \(HTTP 404\): Model Version \(name=.*, version=9\) not found/);

    // MLflow 3 only takes a runs:/ source together with the run id it names.
    await expect(client.registry.createVersion({ name, source: `runs:/${run.info.runId}/model` })).rejects.toThrow(
      /INVALID_PARAMETER_VALUE \(HTTP 400\): Invalid model version source: 'runs:\/.*\/model'\. The run_id request parameter must identify/,
    );
    await client.registry.createVersion({ name, source: `runs:/${run.info.runId}/model`, runId: run.info.runId });
    const page = await client.registry.searchVersions({ filter: `name = '${name}'`, orderBy: ['version_number DESC'], maxResults: 2 });
    expect(page.items.map((v) => v.version)).toEqual(['3', '2']);
    expect(page.nextPageToken).toBeTruthy();
    const all: string[] = [];
    for await (const v of client.registry.searchAllVersions({ filter: `name = '${name}'`, orderBy: ['version_number ASC'], maxResults: 1 })) all.push(v.version);
    expect(all).toEqual(['1', '2', '3']);
    const byRun = await client.registry.searchVersions({ filter: `run_id = '${run.info.runId}' and name = '${name}'` });
    expect(byRun.items.map((v) => v.version).sort()).toEqual(['1', '2', '3']);
    const byTag = await client.registry.searchVersions({ filter: `name = '${name}' and tags.origin = '2017-07-26'` });
    expect(byTag.items.map((v) => v.version)).toEqual(['1']);
  });

  it('sets version tags', async () => {
    const name = uniqueName('tags');
    await client.registry.createModel(name);
    const { version } = await client.registry.createVersion({ name, source: `runs:/${run.info.runId}/model`, runId: run.info.runId });
    await client.registry.setVersionTag(name, version, 'nwrmsle', '0.512');
    await client.registry.setVersionTag(name, version, 'nwrmsle', '0.509');
    await client.registry.setVersionTag(name, version, 'gate', 'passed');
    const tags = (await client.registry.getVersion(name, version)).tags;
    expect(tags).toMatchObject({ nwrmsle: '0.509', gate: 'passed' });
  });
});

describe('aliases', () => {
  it('sets, moves, reads and deletes an alias', async () => {
    const name = uniqueName('aliases');
    await client.registry.createModel(name);
    for (let i = 0; i < 2; i++) await client.registry.createVersion({ name, source: `runs:/${run.info.runId}/model`, runId: run.info.runId });

    const unset = await client.registry.getVersionByAlias(name, 'champion').catch((e: unknown) => e);
    expect(unset).toBeInstanceOf(TrackingNotFoundError);
    expect((unset as Error).message).toMatch(/^GET \/api\/2\.0\/mlflow\/registered-models\/alias: alias "champion" of model ".*" is not set$/);

    await client.registry.setAlias(name, 'champion', '1');
    expect((await client.registry.getVersionByAlias(name, 'champion')).version).toBe('1');
    await client.registry.setAlias(name, 'champion', '2');
    await client.registry.setAlias(name, 'challenger', '1');
    const v2 = await client.registry.getVersionByAlias(name, 'champion');
    expect(v2).toMatchObject({ version: '2', aliases: ['champion'], runId: run.info.runId });
    expect((await client.registry.getModel(name)).aliases).toEqual({ champion: '2', challenger: '1' });

    await client.registry.deleteAlias(name, 'champion');
    await expect(client.registry.getVersionByAlias(name, 'champion')).rejects.toBeInstanceOf(TrackingNotFoundError);
    await client.registry.deleteAlias(name, 'champion');
    expect((await client.registry.getModel(name)).aliases).toEqual({ challenger: '1' });
  });

  it('refuses reserved and malformed aliases before sending', async () => {
    await expect(client.registry.setAlias('m', 'latest', '1')).rejects.toThrow(/alias "latest": "latest" is reserved by MLflow \(not sent\)/);
    await expect(client.registry.setAlias('m', 'V3', '1')).rejects.toThrow(/reserved for versions/);
    await expect(client.registry.setAlias('m', 'a.b', '1')).rejects.toThrow(/only contain letters, digits, underscores and dashes/);
    await expect(client.registry.setAlias('m', 'ok', 'one')).rejects.toThrow(/version "one": expected a version number/);
  });
});
