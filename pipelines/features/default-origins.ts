import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { addDays } from './iso-date.js';

/** The validation origin is this many days before the test origin: its 16 label days end 6 days before it. */
export const VALIDATION_GAP_DAYS = 21;
/** Training origins step back from the validation origin by whole weeks, so they share its weekday. */
export const TRAINING_ORIGIN_STEP_DAYS = 7;
export const TRAINING_ORIGIN_COUNT = 6;

/** The origins of one training run. */
export interface DefaultOrigins {
  /** First forecast day: the day after the last observed day. */
  readonly test: string;
  readonly validation: string;
  /** validation − 7k for k = 1 … 6, newest first. */
  readonly training: readonly string[];
}

/** Test origin T = last observed day + 1, validation T − 21, training origins validation − 7k (k = 1 … 6). */
export function defaultOrigins(lastObservedDay: string): DefaultOrigins {
  const test = addDays(lastObservedDay, 1);
  const validation = addDays(test, -VALIDATION_GAP_DAYS);
  const training = Array.from({ length: TRAINING_ORIGIN_COUNT }, (_, k) => addDays(validation, -TRAINING_ORIGIN_STEP_DAYS * (k + 1)));
  return { test, validation, training };
}

/** The last day whose sales the labels of an origin need: t + 15. */
export function lastLabelDay(origin: string): string {
  return addDays(origin, HORIZON_DAYS - 1);
}
