import { HttpError } from '../../core/errors.js';
import type { PredictionLog } from '../prediction-log/prediction-log.js';
import type { ForecastState } from '../state/forecast-state.js';

/** The model stamp every forecast response carries. */
export interface ModelStamp {
  readonly name: string;
  readonly version: string;
  readonly run_id: string;
}

/** What answering from one state needs beyond the state: its stamp and its prediction-log slot. */
export interface ServedState {
  readonly state: ForecastState;
  readonly stamp: ModelStamp;
  /** The prediction log's slot for this version and origin (−1 without a log). */
  readonly logSlot: number;
}

/**
 * The state to answer one request from, read once per request so that the whole response comes from one
 * version; a 503 until the first state is loaded.
 */
export function servedStates(current: () => ForecastState | undefined, log: PredictionLog | undefined): () => ServedState {
  const cache = new WeakMap<ForecastState, ServedState>();
  return () => {
    const state = current();
    if (!state) throw new HttpError(503, 'not_ready', 'the model and the feature snapshot are still loading; /readyz turns 200 when they are');
    let served = cache.get(state);
    if (!served) {
      const { name, version, runId } = state.model;
      const logSlot = log ? log.stampSlot({ modelName: name, modelVersion: version, runId, origin: state.origin }) : -1;
      served = { state, stamp: Object.freeze({ name, version, run_id: runId }), logSlot };
      cache.set(state, served);
    }
    return served;
  };
}
