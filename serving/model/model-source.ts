import type { CategoryCodes } from '../../pipelines/features/index.js';

/** Which model version a source points at now: cheap to ask for, so that serving can poll it. */
export interface ModelRef {
  /** Registered model name (SHELFCAST_MODEL_NAME). */
  readonly name: string;
  /** The version serving reports: a registry version, or the run id for a run directory. */
  readonly version: string;
  readonly runId: string;
  /** Where the version lives, for messages: a run directory, a `models:/name@alias` URI. */
  readonly location: string;
}

/** Validation scores of a version, from its backtest (the run's metrics.json). */
export interface BacktestScores {
  readonly metric: string;
  readonly validationOrigin: string;
  readonly model: number;
  readonly baseline: number;
  /** 1 − model ÷ baseline. */
  readonly improvement: number;
  readonly perHorizon: readonly { readonly horizon: number; readonly model: number; readonly baseline: number }[];
}

/** What a served version is: reported by `GET /v1/model` and stamped on every forecast. */
export interface ModelIdentity extends ModelRef {
  readonly createdAt: string;
  /** First and last day of sales the version was trained on. */
  readonly trainingWindow: { readonly from: string; readonly to: string };
  /** The last sales day in the lake when the version was trained. */
  readonly lastObservedDay: string;
  readonly backtest: BacktestScores;
}

/** A version ready to score: its identity, the ONNX model file and the category codes its features were built with. */
export interface LoadedModel {
  readonly identity: ModelIdentity;
  /** A local model.onnx (a remote source downloads it first). */
  readonly onnxPath: string;
  readonly categories: CategoryCodes;
}

/**
 * Where serving gets its model: a run directory today, a registry alias (`models:/name@champion`) next. Serving
 * polls `current()` and calls `load()` only when the reference changed.
 */
export interface ModelSource {
  /** What the source reads from, for logs and errors. */
  readonly description: string;
  /** The version serving should run now. */
  current(): Promise<ModelRef>;
  /** Fetches and checks one version. */
  load(ref: ModelRef): Promise<LoadedModel>;
}

/** Whether two references name the same version. */
export function sameModel(a: ModelRef, b: ModelRef): boolean {
  return a.name === b.name && a.version === b.version && a.runId === b.runId && a.location === b.location;
}
