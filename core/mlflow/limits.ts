/**
 * MLflow's limits as enforced by the pinned server (mlflow 3.17.2, `mlflow/utils/validation.py`).
 * Values over a length limit are not refused by that server: it cuts params and run tags to the limit
 * (MLFLOW_TRUNCATE_LONG_VALUES defaults to true), so the client refuses them instead of losing data silently.
 */
export const MLFLOW_LIMITS = Object.freeze({
  /** log-batch: metrics per request. */
  metricsPerBatch: 1000,
  /** log-batch: params per request. */
  paramsPerBatch: 100,
  /** log-batch: tags per request. */
  tagsPerBatch: 100,
  /** log-batch: metrics + params + tags per request. */
  entitiesPerBatch: 1000,
  /**
   * log-batch: bytes of JSON per request. MLflow documents 1 MB; 3.17.2 does not check it (it measures the
   * parsed dict, not the body), but hosted MLflow-compatible servers do, so batches stay under it.
   */
  batchRequestBytes: 1_000_000,
  /** Metric, param and tag keys (characters). */
  entityKeyLength: 250,
  /** Param values (characters). */
  paramValueLength: 6000,
  /** Run tag values (characters). */
  runTagValueLength: 8000,
  experimentNameLength: 500,
  experimentTagKeyLength: 250,
  experimentTagValueLength: 20_000,
  /** Registered model and model version tag keys (characters). */
  registryTagKeyLength: 250,
  /** Registered model and model version tag values (characters). */
  registryTagValueLength: 100_000,
  aliasLength: 255,
  /** runs/search max_results ceiling (SEARCH_MAX_RESULTS_THRESHOLD). */
  searchRunsMaxResults: 50_000,
  /** model-versions/search max_results ceiling. */
  searchModelVersionsMaxResults: 200_000,
  /** metrics/get-history page size ceiling. */
  metricHistoryMaxResults: 25_000,
});
