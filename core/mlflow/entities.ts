/** What the tracking server and registry hold, as the client hands it out (camelCase, tags as records). */

export type Tags = Readonly<Record<string, string>>;

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  /** Where the experiment's runs keep artifacts, e.g. `mlflow-artifacts:/3` behind the artifact proxy. */
  readonly artifactLocation: string;
  readonly lifecycleStage: string;
  readonly creationTime?: number;
  readonly lastUpdateTime?: number;
  readonly tags: Tags;
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly userId: string;
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly startTime?: number;
  readonly endTime?: number;
  /** e.g. `mlflow-artifacts:/3/<run id>/artifacts`; see runArtifactPath. */
  readonly artifactUri: string;
  readonly lifecycleStage: string;
}

/** One logged metric value. NaN round-trips; ±Infinity comes back as ±Number.MAX_VALUE from SQL stores. */
export interface Metric {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
}

export interface Run {
  readonly info: RunInfo;
  /** The latest value of each metric key. */
  readonly metrics: readonly Metric[];
  readonly params: Tags;
  readonly tags: Tags;
}

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface RegisteredModel {
  readonly name: string;
  readonly description: string;
  readonly creationTimestamp?: number;
  readonly lastUpdatedTimestamp?: number;
  readonly tags: Tags;
  /** Alias → version, e.g. `{ champion: '3' }`. */
  readonly aliases: Tags;
}

export interface ModelVersion {
  readonly name: string;
  /** The registry's version number, as a string ("1", "2", ...). */
  readonly version: string;
  readonly source: string;
  readonly runId?: string;
  readonly status: ModelVersionStatus;
  readonly statusMessage?: string;
  readonly description: string;
  readonly tags: Tags;
  readonly aliases: readonly string[];
  readonly creationTimestamp?: number;
  readonly lastUpdatedTimestamp?: number;
}

/** One page of a search, and the token for the next one when there is more. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

/** One entry of an artifact listing. */
export interface ArtifactEntry {
  /** The entry's path relative to the artifact root (the listed path joined with the entry's name). */
  readonly path: string;
  readonly isDir: boolean;
  /** Bytes, for files. */
  readonly size?: number;
}
