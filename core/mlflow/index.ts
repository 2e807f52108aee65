export { MlflowClient, type MlflowClientOptions } from './mlflow-client.js';
export type { ExperimentsApi, CreateExperimentOptions } from './experiments-api.js';
export type { RunsApi, CreateRunInput, UpdateRunInput, SearchRunsQuery } from './runs-api.js';
export type { ArtifactsApi, TransferSummary } from './artifacts-api.js';
export type { RegistryApi, CreateRegisteredModelOptions, CreateModelVersionInput, SearchModelVersionsQuery, WaitOptions } from './registry-api.js';
export type { LogBatchInput, MetricInput } from './log-batch-plan.js';
export type {
  ArtifactEntry,
  Experiment,
  Metric,
  ModelVersion,
  ModelVersionStatus,
  Page,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  Tags,
} from './entities.js';
export { runArtifactPath, joinArtifactPath } from './artifact-path.js';
export { MLFLOW_LIMITS } from './limits.js';
export { DEFAULT_RETRY_POLICY, backoffDelay, type RetryPolicy } from './retry-policy.js';
export type { RetryMode, MlflowTransportOptions } from './mlflow-transport.js';
export { REQUEST_ID_TAG } from './safe-create.js';
export { LocalMlflowServer, type LocalMlflowServerOptions, type LocalMlflowServerState, type LocalServerS3Settings } from './local-server.js';
export { ensureLocalMlflowServer, readServerState, writeServerState, type EnsureLocalMlflowServerOptions } from './local-server-state.js';
