import type { Experiment, Metric, ModelVersion, ModelVersionStatus, RegisteredModel, Run, RunInfo, RunStatus, Tags } from './entities.js';

/*
 * MLflow's JSON (protobuf field names, snake_case, absent when empty) and its translation to the client's types.
 * int64 fields arrive as JSON numbers from MLflow's own serializer; strings are accepted too.
 */

export interface WireKeyValue {
  key: string;
  value?: string;
}

export interface WireMetric {
  key: string;
  value: number | string;
  timestamp: number | string;
  step?: number | string;
}

export interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number | string;
  last_update_time?: number | string;
  tags?: WireKeyValue[];
}

export interface WireRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  user_id?: string;
  status?: RunStatus;
  start_time?: number | string;
  end_time?: number | string;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface WireRun {
  info: WireRunInfo;
  data?: { metrics?: WireMetric[]; params?: WireKeyValue[]; tags?: WireKeyValue[] };
}

export interface WireRegisteredModel {
  name: string;
  description?: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  tags?: WireKeyValue[];
  aliases?: { alias: string; version: string }[];
}

export interface WireModelVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  status?: ModelVersionStatus;
  status_message?: string;
  description?: string;
  tags?: WireKeyValue[];
  aliases?: string[];
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
}

function optionalNumber(v: number | string | undefined): number | undefined {
  return v === undefined || v === '' ? undefined : Number(v);
}

/** Protobuf's JSON spelling of the doubles JSON cannot carry. */
export function metricValueToWire(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

function metricValueFromWire(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** `{a: '1'}` → `[{key: 'a', value: '1'}]`. */
export function tagsToWire(tags: Tags | undefined): WireKeyValue[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

function tagsFromWire(tags: WireKeyValue[] | undefined): Tags {
  return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? '']));
}

/** An experiment from MLflow's JSON. */
export function experimentFromWire(w: WireExperiment): Experiment {
  return {
    experimentId: w.experiment_id,
    name: w.name,
    artifactLocation: w.artifact_location ?? '',
    lifecycleStage: w.lifecycle_stage ?? 'active',
    creationTime: optionalNumber(w.creation_time),
    lastUpdateTime: optionalNumber(w.last_update_time),
    tags: tagsFromWire(w.tags),
  };
}

/** A run's info block from MLflow's JSON. */
export function runInfoFromWire(w: WireRunInfo): RunInfo {
  return {
    runId: w.run_id,
    experimentId: w.experiment_id,
    runName: w.run_name ?? '',
    userId: w.user_id ?? '',
    status: w.status ?? 'RUNNING',
    startTime: optionalNumber(w.start_time),
    endTime: optionalNumber(w.end_time),
    artifactUri: w.artifact_uri ?? '',
    lifecycleStage: w.lifecycle_stage ?? 'active',
  };
}

/** A metric from MLflow's JSON ("NaN" and "Infinity" strings become numbers). */
export function metricFromWire(w: WireMetric): Metric {
  return { key: w.key, value: metricValueFromWire(w.value), timestamp: Number(w.timestamp), step: Number(w.step ?? 0) };
}

/** A run (info, latest metrics, params, tags) from MLflow's JSON. */
export function runFromWire(w: WireRun): Run {
  return {
    info: runInfoFromWire(w.info),
    metrics: (w.data?.metrics ?? []).map(metricFromWire),
    params: tagsFromWire(w.data?.params),
    tags: tagsFromWire(w.data?.tags),
  };
}

/** A registered model from MLflow's JSON, aliases as a record. */
export function registeredModelFromWire(w: WireRegisteredModel): RegisteredModel {
  return {
    name: w.name,
    description: w.description ?? '',
    creationTimestamp: optionalNumber(w.creation_timestamp),
    lastUpdatedTimestamp: optionalNumber(w.last_updated_timestamp),
    tags: tagsFromWire(w.tags),
    aliases: Object.fromEntries((w.aliases ?? []).map((a) => [a.alias, a.version])),
  };
}

/** A model version from MLflow's JSON. */
export function modelVersionFromWire(w: WireModelVersion): ModelVersion {
  return {
    name: w.name,
    version: String(w.version),
    source: w.source ?? '',
    runId: w.run_id || undefined,
    status: w.status ?? 'READY',
    statusMessage: w.status_message || undefined,
    description: w.description ?? '',
    tags: tagsFromWire(w.tags),
    aliases: w.aliases ?? [],
    creationTimestamp: optionalNumber(w.creation_timestamp),
    lastUpdatedTimestamp: optionalNumber(w.last_updated_timestamp),
  };
}
