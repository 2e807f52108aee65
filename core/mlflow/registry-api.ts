import { TrackingError, TrackingInvalidRequestError, TrackingNotFoundError } from '../errors.js';
import type { ModelVersion, Page, RegisteredModel, Tags } from './entities.js';
import { MLFLOW_LIMITS } from './limits.js';
import type { JsonCall, MlflowTransport } from './mlflow-transport.js';
import { allPages } from './paging.js';
import { createOnce, getOrCreate, REQUEST_ID_TAG } from './safe-create.js';
import { assertAlias, assertEntityKey, assertInteger, assertModelName, assertStringValue, assertTags, assertVersion } from './validation.js';
import { modelVersionFromWire, registeredModelFromWire, tagsToWire, type WireModelVersion, type WireRegisteredModel } from './wire-format.js';

const MODELS = '/api/2.0/mlflow/registered-models';
const VERSIONS = '/api/2.0/mlflow/model-versions';

export interface CreateRegisteredModelOptions {
  readonly description?: string;
  readonly tags?: Tags;
}

export interface CreateModelVersionInput {
  readonly name: string;
  /** Where the model's files are, e.g. the run's `mlflow-artifacts:/…/artifacts/model` or `runs:/<run id>/model`. */
  readonly source: string;
  readonly runId?: string;
  readonly description?: string;
  readonly tags?: Tags;
}

export interface SearchModelVersionsQuery {
  /** e.g. `name = 'favorita-unit-sales'`, `run_id = '…'`, `tags.stage = 'candidate'`. */
  readonly filter?: string;
  /** e.g. `['version_number DESC']`. */
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

export interface WaitOptions {
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
  /** Default 1 s. */
  readonly intervalMs?: number;
}

/** The model registry: registered models, model versions, aliases and version tags. */
export class RegistryApi {
  constructor(private readonly transport: MlflowTransport) {}

  /** Creates a registered model; TrackingAlreadyExistsError when the name is taken. Retried only when surely unprocessed. */
  async createModel(name: string, options: CreateRegisteredModelOptions = {}): Promise<RegisteredModel> {
    const res = await this.transport.json<{ registered_model: WireRegisteredModel }>(this.createModelCall(name, options), 'unprocessed-only');
    return registeredModelFromWire(res.registered_model);
  }

  /** The registered model, with its aliases; TrackingNotFoundError when there is none. */
  async getModel(name: string): Promise<RegisteredModel> {
    const res = await this.transport.json<{ registered_model: WireRegisteredModel }>(this.getModelCall(name), 'idempotent');
    return registeredModelFromWire(res.registered_model);
  }

  /** The registered model, created first when missing; safe to retry and to race with other creators. */
  getOrCreateModel(name: string, options: CreateRegisteredModelOptions = {}): Promise<RegisteredModel> {
    const get = this.getModelCall(name);
    const create = this.createModelCall(name, options);
    const once = async (call: JsonCall) =>
      registeredModelFromWire((await this.transport.jsonOnce<{ registered_model: WireRegisteredModel }>(call)).registered_model);
    return getOrCreate(this.transport, `get-or-create registered model ${JSON.stringify(name)}`, () => once(get), () => once(create));
  }

  /**
   * Registers a new version of a model. Safe to retry: the version carries a fresh `shelfcast.request_id` tag,
   * and a retry after an unknown outcome returns the version an earlier attempt made.
   */
  createVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    const path = `${VERSIONS}/create`;
    const endpoint = this.transport.endpoint('POST', path);
    assertModelName(endpoint, input.name);
    assertStringValue(endpoint, 'source', input.source, Infinity);
    assertTags(endpoint, 'tags', input.tags, MLFLOW_LIMITS.registryTagKeyLength, MLFLOW_LIMITS.registryTagValueLength);
    return createOnce(this.transport, {
      endpoint,
      create: async (requestId) => {
        const tags = tagsToWire({ ...input.tags, [REQUEST_ID_TAG]: requestId });
        const body = { name: input.name, source: input.source, run_id: input.runId, description: input.description, tags };
        return modelVersionFromWire((await this.transport.jsonOnce<{ model_version: WireModelVersion }>({ method: 'POST', path, body })).model_version);
      },
      find: async (requestId) => {
        const filter = `name = '${input.name.replace(/'/g, "\\'")}' and tags.\`${REQUEST_ID_TAG}\` = '${requestId}'`;
        const res = await this.transport.jsonOnce<{ model_versions?: WireModelVersion[] }>(this.searchVersionsCall({ filter, maxResults: 1 }));
        return res.model_versions?.map(modelVersionFromWire)[0];
      },
    });
  }

  /** One model version; TrackingNotFoundError when there is none. */
  async getVersion(name: string, version: string): Promise<ModelVersion> {
    const path = `${VERSIONS}/get`;
    const endpoint = this.transport.endpoint('GET', path);
    assertModelName(endpoint, name);
    assertVersion(endpoint, version);
    const res = await this.transport.json<{ model_version: WireModelVersion }>({ method: 'GET', path, query: { name, version } }, 'idempotent');
    return modelVersionFromWire(res.model_version);
  }

  /** Polls a version until it is READY; a TrackingError when registration failed or the wait times out. */
  async waitUntilReady(name: string, version: string, options: WaitOptions = {}): Promise<ModelVersion> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    for (;;) {
      const mv = await this.getVersion(name, version);
      if (mv.status === 'READY') return mv;
      const what = `model version ${name}/${version}`;
      if (mv.status === 'FAILED_REGISTRATION') throw new TrackingError(`${what} failed to register: ${mv.statusMessage ?? 'no reason given'}`);
      if (Date.now() >= deadline) throw new TrackingError(`${what} is still ${mv.status} after ${options.timeoutMs ?? 300_000} ms`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  }

  /** One page of model versions matching a query. */
  async searchVersions(query: SearchModelVersionsQuery = {}): Promise<Page<ModelVersion>> {
    const res = await this.transport.json<{ model_versions?: WireModelVersion[]; next_page_token?: string }>(this.searchVersionsCall(query), 'idempotent');
    return { items: (res.model_versions ?? []).map(modelVersionFromWire), nextPageToken: res.next_page_token || undefined };
  }

  /** Every model version matching a query, page after page. */
  searchAllVersions(query: Omit<SearchModelVersionsQuery, 'pageToken'> = {}): AsyncGenerator<ModelVersion> {
    return allPages((pageToken) => this.searchVersions({ ...query, pageToken }));
  }

  /** Points an alias (e.g. `champion`) at a version, moving it if it pointed elsewhere. */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    const path = `${MODELS}/alias`;
    const endpoint = this.transport.endpoint('POST', path);
    assertModelName(endpoint, name);
    assertAlias(endpoint, alias);
    assertVersion(endpoint, version);
    await this.transport.json({ method: 'POST', path, body: { name, alias, version } }, 'idempotent');
  }

  /** The version an alias points at; TrackingNotFoundError when the alias is not set. */
  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const path = `${MODELS}/alias`;
    const endpoint = this.transport.endpoint('GET', path);
    assertModelName(endpoint, name);
    assertAlias(endpoint, alias);
    try {
      const res = await this.transport.json<{ model_version: WireModelVersion }>({ method: 'GET', path, query: { name, alias } }, 'idempotent');
      return modelVersionFromWire(res.model_version);
    } catch (err) {
      // MLflow answers an unset alias with 400 INVALID_PARAMETER_VALUE "Registered model alias X not found."
      if (err instanceof TrackingInvalidRequestError && /alias .* not found/i.test(err.message)) {
        throw new TrackingNotFoundError(`alias ${JSON.stringify(alias)} of model ${JSON.stringify(name)} is not set`, { endpoint, status: err.status, mlflowCode: err.mlflowCode }, { cause: err });
      }
      throw err;
    }
  }

  /** Removes an alias; removing one that is not set is no error. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    const path = `${MODELS}/alias`;
    const endpoint = this.transport.endpoint('DELETE', path);
    assertModelName(endpoint, name);
    assertAlias(endpoint, alias);
    await this.transport.json({ method: 'DELETE', path, body: { name, alias } }, 'idempotent');
  }

  /** Sets (or overwrites) a tag on a model version. */
  async setVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    const path = `${VERSIONS}/set-tag`;
    const endpoint = this.transport.endpoint('POST', path);
    assertModelName(endpoint, name);
    assertVersion(endpoint, version);
    assertEntityKey(endpoint, 'key', key, MLFLOW_LIMITS.registryTagKeyLength);
    assertStringValue(endpoint, 'value', value, MLFLOW_LIMITS.registryTagValueLength);
    await this.transport.json({ method: 'POST', path, body: { name, version, key, value } }, 'idempotent');
  }

  private getModelCall(name: string): JsonCall {
    const path = `${MODELS}/get`;
    assertModelName(this.transport.endpoint('GET', path), name);
    return { method: 'GET', path, query: { name } };
  }

  private createModelCall(name: string, options: CreateRegisteredModelOptions): JsonCall {
    const path = `${MODELS}/create`;
    const endpoint = this.transport.endpoint('POST', path);
    assertModelName(endpoint, name);
    assertTags(endpoint, 'tags', options.tags, MLFLOW_LIMITS.registryTagKeyLength, MLFLOW_LIMITS.registryTagValueLength);
    return { method: 'POST', path, body: { name, description: options.description, tags: tagsToWire(options.tags) } };
  }

  private searchVersionsCall(query: SearchModelVersionsQuery): JsonCall {
    const path = `${VERSIONS}/search`;
    if (query.maxResults !== undefined) assertInteger(this.transport.endpoint('GET', path), 'max_results', query.maxResults, { min: 1 });
    return { method: 'GET', path, query: { filter: query.filter, order_by: query.orderBy, max_results: query.maxResults, page_token: query.pageToken } };
  }
}
