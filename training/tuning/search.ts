import { UsageError } from '../../core/errors.js';
import { seededRandom } from '../../core/seeded-random.js';
import {
  checkTrialParams,
  sampleUniform,
  validateSearchSpace,
  type SearchSpace,
  type TrialParams,
} from './search-space.js';
import { suggestTpe, type TpeOptions } from './tpe.js';

/** Where a trial's parameters came from. */
export type TrialSampler = 'initial' | 'random' | 'tpe';

/** One evaluated trial. */
export interface TrialRecord {
  /** 1-based position in the search. */
  trial: number;
  params: TrialParams;
  /** What the objective returned; lower is better, and a non-finite score ranks below every finite one. */
  score: number;
  /** Wall-clock time of the objective call. */
  seconds: number;
  sampler: TrialSampler;
}

/** What to search, how long, and how to score a trial. */
export interface SearchOptions {
  space: SearchSpace;
  /** Trials to run in all, initial ones included. */
  trials: number;
  /** Seeds every draw: the same seed and the same scores give the same trials. */
  seed: number;
  /**
   * Trials before TPE takes over (default 5, at most `trials`), counting the initial ones: the rest of them are
   * drawn uniformly, so that the first model has something spread out to fit.
   */
  startupTrials?: number;
  /**
   * Scores one parameter set (1-based trial number); lower is better. Return NaN for a failed trial; a throw
   * ends the search and reaches the caller as it is.
   */
  objective: (params: TrialParams, trial: number) => Promise<number>;
  /** Called with each record, in order, and awaited before the next trial starts (e.g. to log or persist it). */
  onTrial?: (record: TrialRecord) => void | Promise<void>;
  /** Parameter sets evaluated first and in this order, e.g. the current defaults. */
  initial?: readonly TrialParams[];
  /** Options of the TPE sampler. */
  tpe?: TpeOptions;
}

/** Every trial in order, and the best of them. */
export interface SearchResult {
  trials: TrialRecord[];
  /** The lowest finite score, the earliest on ties; the first trial if no score is finite. */
  best: TrialRecord;
}

/**
 * Sequential model-based search: the initial parameter sets, then uniform draws up to `startupTrials`, then one
 * TPE suggestion per trial, each fitted to every result so far. Trials run one at a time, since each
 * suggestion needs the previous score.
 */
export async function runSearch(options: SearchOptions): Promise<SearchResult> {
  const { space, trials, seed, objective, onTrial } = options;
  const initial = options.initial ?? [];
  const startupTrials = options.startupTrials ?? 5;
  validateSearchSpace(space);
  if (!Number.isInteger(trials) || trials < 1) throw new UsageError(`trials must be a positive integer, got ${trials}`);
  if (!Number.isInteger(seed)) throw new UsageError(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(startupTrials) || startupTrials < 0) {
    throw new UsageError(`startupTrials must be a non-negative integer, got ${startupTrials}`);
  }
  if (initial.length > trials) {
    throw new UsageError(`${initial.length} initial parameter sets do not fit in ${trials} trials`);
  }
  initial.forEach((params, i) => checkTrialParams(space, params, `initial parameters ${i + 1}`));

  const rng = seededRandom(seed);
  const records: TrialRecord[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    let sampler: TrialSampler;
    let params: TrialParams;
    if (trial <= initial.length) {
      sampler = 'initial';
      params = { ...initial[trial - 1] };
    } else if (trial <= startupTrials) {
      sampler = 'random';
      params = sampleUniform(space, rng);
    } else {
      sampler = 'tpe';
      params = suggestTpe(space, records, rng, options.tpe);
    }
    const started = performance.now();
    // The objective gets its own copy, so nothing it does to the object can change the record.
    const score = await objective({ ...params }, trial);
    const seconds = (performance.now() - started) / 1000;
    const record: TrialRecord = { trial, params, score, seconds, sampler };
    records.push(record);
    await onTrial?.(record);
  }
  return { trials: records, best: bestTrial(records) };
}

function bestTrial(records: readonly TrialRecord[]): TrialRecord {
  let best = records[0];
  for (const r of records) {
    if (Number.isFinite(r.score) && !(Number.isFinite(best.score) && best.score <= r.score)) best = r;
  }
  return best;
}
