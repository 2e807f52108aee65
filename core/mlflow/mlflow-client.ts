import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import { ArtifactsApi } from './artifacts-api.js';
import { ExperimentsApi } from './experiments-api.js';
import { MlflowTransport, type MlflowTransportOptions } from './mlflow-transport.js';
import { RegistryApi } from './registry-api.js';
import { RunsApi } from './runs-api.js';

export type MlflowClientOptions = MlflowTransportOptions;

/**
 * A typed client of MLflow's REST API (tracking, artifact proxy, model registry) as served by `mlflow server`.
 *
 * @example
 * const mlflow = MlflowClient.fromConfig(config);
 * const exp = await mlflow.experiments.getOrCreate('favorita');
 * const run = await mlflow.runs.create({ experimentId: exp.experimentId });
 */
export class MlflowClient {
  readonly experiments: ExperimentsApi;
  readonly runs: RunsApi;
  readonly artifacts: ArtifactsApi;
  readonly registry: RegistryApi;

  private constructor(private readonly transport: MlflowTransport) {
    this.experiments = new ExperimentsApi(transport);
    this.runs = new RunsApi(transport);
    this.artifacts = new ArtifactsApi(transport);
    this.registry = new RegistryApi(transport);
  }

  /** A client of the tracking server at `options.trackingUri`. */
  static create(options: MlflowClientOptions): MlflowClient {
    if (!/^https?:\/\/[^/]/i.test(options.trackingUri)) {
      throw new ConfigError(`MLflow tracking URI ${JSON.stringify(options.trackingUri)}: expected an http:// or https:// URL of a tracking server`);
    }
    return new MlflowClient(new MlflowTransport(options));
  }

  /** A client for the tracking server and credentials in the configuration (MLFLOW_TRACKING_URI and auth variables). */
  static fromConfig(config: Pick<Config, 'mlflowTrackingUri' | 'mlflowAuth'>, options: Omit<MlflowClientOptions, 'trackingUri' | 'auth'> = {}): MlflowClient {
    if (!config.mlflowTrackingUri) throw new ConfigError('MLFLOW_TRACKING_URI is not set: expected a URL such as http://127.0.0.1:5000');
    return MlflowClient.create({ ...options, trackingUri: config.mlflowTrackingUri, auth: config.mlflowAuth });
  }

  /** The server's base URL, without a trailing slash. */
  get trackingUri(): string {
    return this.transport.trackingUri;
  }
}
