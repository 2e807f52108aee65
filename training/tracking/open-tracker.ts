import { join, resolve } from 'node:path';
import type { Config } from '../../core/config.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { ensureLocalMlflowServer, MlflowClient, type MlflowClientOptions } from '../../core/mlflow/index.js';

/** The tracking server a command talks to. */
export interface Tracker {
  readonly client: MlflowClient;
  /** Where the MLflow UI is (the tracking server's address). */
  readonly uiUrl: string;
  /** Set for the embedded server: its data directory and whether an already running one was reused. */
  readonly embedded?: { readonly dataDir: string; readonly reused: boolean; readonly pid: number };
}

/** The file recording the embedded server, inside its data directory. */
export const EMBEDDED_STATE_FILE = 'server.json';

/**
 * The tracker named by MLFLOW_TRACKING_URI (with its auth settings), or, when that is not set, the embedded one: a
 * local `mlflow server` on loopback with its data under `config.mlflowEmbedded.dir`, started on first use and
 * reused by later commands (see ensureLocalMlflowServer). Its artifacts go to `<dir>/artifacts` or to
 * SHELFCAST_MLFLOW_ARTIFACTS (a directory or s3://bucket/prefix, reached with the AWS settings of the configuration).
 */
export async function openTracker(
  config: Pick<Config, 'mlflowTrackingUri' | 'mlflowAuth' | 'mlflowEmbedded' | 's3'>,
  options: { readonly logger?: Logger; readonly client?: Omit<MlflowClientOptions, 'trackingUri' | 'auth'> } = {},
): Promise<Tracker> {
  const logger = options.logger ?? silentLogger;
  const clientOptions = { logger, ...options.client };
  if (config.mlflowTrackingUri) {
    const client = MlflowClient.fromConfig(config, clientOptions);
    return { client, uiUrl: client.trackingUri };
  }
  const dataDir = resolve(config.mlflowEmbedded.dir);
  const artifacts = config.mlflowEmbedded.artifacts;
  const onS3 = artifacts?.startsWith('s3://') ?? false;
  const { server, reused } = await ensureLocalMlflowServer({
    dataDir,
    stateFile: join(dataDir, EMBEDDED_STATE_FILE),
    artifactsDestination: artifacts === undefined ? undefined : onS3 ? artifacts : resolve(artifacts),
    s3: onS3 ? { endpoint: config.s3.endpoint, region: config.s3.region } : undefined,
    logger,
  });
  const client = MlflowClient.create({ ...clientOptions, trackingUri: server.trackingUri });
  return { client, uiUrl: server.trackingUri, embedded: { dataDir, reused, pid: server.state.pid } };
}
