import type { Experiment, Tags } from './entities.js';
import { MLFLOW_LIMITS } from './limits.js';
import type { JsonCall, MlflowTransport } from './mlflow-transport.js';
import { getOrCreate } from './safe-create.js';
import { assertExperimentName, assertId, assertTags } from './validation.js';
import { experimentFromWire, tagsToWire, type WireExperiment } from './wire-format.js';

const BASE = '/api/2.0/mlflow/experiments';

export interface CreateExperimentOptions {
  /** Where the experiment's artifacts go; by default the server's (`mlflow-artifacts:/<id>` behind the proxy). */
  readonly artifactLocation?: string;
  readonly tags?: Tags;
}

/** Experiments: get by id or name, create, get-or-create. */
export class ExperimentsApi {
  constructor(private readonly transport: MlflowTransport) {}

  /** The experiment with this id; TrackingNotFoundError when there is none. */
  async get(experimentId: string): Promise<Experiment> {
    const call = this.getCall(experimentId);
    return experimentFromWire((await this.transport.json<{ experiment: WireExperiment }>(call, 'idempotent')).experiment);
  }

  /** The experiment with this name; TrackingNotFoundError when there is none. */
  async getByName(name: string): Promise<Experiment> {
    const call = this.getByNameCall(name);
    return experimentFromWire((await this.transport.json<{ experiment: WireExperiment }>(call, 'idempotent')).experiment);
  }

  /**
   * Creates an experiment and returns its id; TrackingAlreadyExistsError when the name is taken. Retried only
   * when the server surely did not act, since a repeat would fail on the name: use getOrCreate to be safe.
   */
  async create(name: string, options: CreateExperimentOptions = {}): Promise<string> {
    const call = this.createCall(name, options);
    return (await this.transport.json<{ experiment_id: string }>(call, 'unprocessed-only')).experiment_id;
  }

  /** The experiment with this name, created first when missing; safe to retry and to race with other creators. */
  getOrCreate(name: string, options: CreateExperimentOptions = {}): Promise<Experiment> {
    const get = this.getByNameCall(name);
    const create = this.createCall(name, options);
    return getOrCreate(
      this.transport,
      `get-or-create experiment ${JSON.stringify(name)}`,
      async () => experimentFromWire((await this.transport.jsonOnce<{ experiment: WireExperiment }>(get)).experiment),
      async () => {
        const { experiment_id } = await this.transport.jsonOnce<{ experiment_id: string }>(create);
        return experimentFromWire((await this.transport.jsonOnce<{ experiment: WireExperiment }>(this.getCall(experiment_id))).experiment);
      },
    );
  }

  private getCall(experimentId: string): JsonCall {
    const path = `${BASE}/get`;
    assertId(this.transport.endpoint('GET', path), 'experiment_id', experimentId);
    return { method: 'GET', path, query: { experiment_id: experimentId } };
  }

  private getByNameCall(name: string): JsonCall {
    const path = `${BASE}/get-by-name`;
    assertExperimentName(this.transport.endpoint('GET', path), name);
    return { method: 'GET', path, query: { experiment_name: name } };
  }

  private createCall(name: string, options: CreateExperimentOptions): JsonCall {
    const path = `${BASE}/create`;
    const endpoint = this.transport.endpoint('POST', path);
    assertExperimentName(endpoint, name);
    assertTags(endpoint, 'tags', options.tags, MLFLOW_LIMITS.experimentTagKeyLength, MLFLOW_LIMITS.experimentTagValueLength);
    return { method: 'POST', path, body: { name, artifact_location: options.artifactLocation, tags: tagsToWire(options.tags) } };
  }
}
