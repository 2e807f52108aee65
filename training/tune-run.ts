import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';
import type { Lake } from '../core/storage/lake.js';
import { stagedDates } from '../pipelines/features/index.js';
import { fourteenDayMeanForecast, nwrmsle } from './evaluation/index.js';
import { stackFeatureTables, trainHorizons, type TrainingMatrix } from './horizons/index.js';
import { LightGbmLibrary, type LightGbmParams } from './lightgbm/index.js';
import { checkSalesCover, interleave, newRunId, originTables, runOrigins, trainingSettings } from './train-run.js';
import { runSearch, type SearchSpace, type TrialParams, type TrialRecord } from './tuning/index.js';

/**
 * What the search varies by default: tree size and regularisation, row and column sampling, step size. The
 * 1st-place values lie inside every range and are the first trial.
 */
export const DEFAULT_SEARCH_SPACE: SearchSpace = {
  num_leaves: { kind: 'int', low: 15, high: 255, log: true },
  min_data_in_leaf: { kind: 'int', low: 20, high: 1000, log: true },
  learning_rate: { kind: 'float', low: 0.01, high: 0.1, log: true },
  feature_fraction: { kind: 'float', low: 0.3, high: 1 },
  bagging_fraction: { kind: 'float', low: 0.5, high: 1 },
  lambda_l2: { kind: 'float', low: 0.001, high: 100, log: true },
};

/** Horizons trained per trial by default: the first day, one week out and the last day. */
export const DEFAULT_TUNING_HORIZONS = [0, 7, 15] as const;

export interface TuneRunOptions {
  readonly trials: number;
  readonly seed?: number;
  readonly horizons?: readonly number[];
  /** Fixed parameters over the 1st-place defaults (e.g. num_threads); the searched ones vary around them. */
  readonly params?: LightGbmParams;
  readonly maxRounds?: number;
  readonly earlyStoppingRounds?: number;
  readonly trainingOrigins?: number;
  readonly space?: SearchSpace;
  /** The search directory goes under here, named `tune-<id>`. */
  readonly runsDir: string;
  readonly tuneId?: string;
}

export interface TuneRunDeps {
  readonly lake: Lake;
  readonly cacheDir: string;
  readonly logger?: Logger;
  readonly progress?: ProgressFactory;
  readonly library?: LightGbmLibrary;
}

/** best.json: the winning parameters, ready for `shelfcast train --params best.json`. */
export interface TuneBest {
  readonly params: LightGbmParams;
  readonly trial: number;
  readonly score: number;
  /** The 1st-place defaults' score (trial 1) and the baseline's, on the same horizons and origin. */
  readonly defaultScore: number;
  readonly baselineScore: number;
  readonly horizons: readonly number[];
  readonly validationOrigin: string;
}

export interface TuneRunResult {
  readonly dir: string;
  readonly trials: readonly TrialRecord[];
  readonly best: TuneBest;
}

/**
 * Sequential hyperparameter search (TPE after random start-up trials, the defaults first). Every trial trains
 * the chosen horizons on the training origins with early stopping and is scored by NWRMSLE on the validation
 * origin; trials are appended to trials.jsonl as they finish, best.json is written at the end.
 */
export async function tuneRun(options: TuneRunOptions, deps: TuneRunDeps): Promise<TuneRunResult> {
  const logger = deps.logger ?? silentLogger;
  const progress = deps.progress ?? noProgress;
  if (!Number.isInteger(options.trials) || options.trials < 1) throw new UsageError(`--trials must be a positive integer, got ${options.trials}`);
  const space = options.space ?? DEFAULT_SEARCH_SPACE;
  const horizons = options.horizons ?? DEFAULT_TUNING_HORIZONS;
  const base = trainingSettings(options);
  const dir = resolve(options.runsDir, `tune-${options.tuneId ?? newRunId()}`);
  if (existsSync(dir)) throw new UsageError(`${dir} already exists; pick another tune id`);

  const sales = await stagedDates(deps.lake, 'train');
  if (sales.length === 0) throw new DataError(`${deps.lake.location} holds no staged sales; run \`shelfcast ingest\` first`);
  const origins = runOrigins(sales.at(-1)!, options);
  checkSalesCover(sales[0], origins);
  const { validationTable, trainingTables } = await originTables(origins, deps);
  const validation = stackFeatureTables([validationTable]);
  const training = stackFeatureTables(trainingTables);
  const library = deps.library ?? LightGbmLibrary.open();
  const baselineScore = scoreHorizons(validation, horizons, fourteenDayMeanForecast(validationTable, validation.horizons), true);

  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'search_space.json'), `${JSON.stringify({ space, horizons, origins, fixed: base.params, maxRounds: base.maxRounds, earlyStoppingRounds: base.earlyStoppingRounds }, null, 2)}\n`);
  const trialsFile = join(dir, 'trials.jsonl');
  const bar = progress({ label: 'tuning', unit: 'trials', total: options.trials });
  const initial = pickDefaults(space, base.params);
  const search = await runSearch({
    space,
    trials: options.trials,
    seed: options.seed ?? 1,
    initial: [initial],
    objective: async (trial) => {
      const settings = { ...base, params: { ...base.params, ...trial } };
      const models = trainHorizons({ library, train: training, validation, settings, horizons });
      const predicted = interleave(models.map((m) => m.validationPrediction!), validation.nRows);
      return scoreHorizons(validation, horizons, predicted, false);
    },
    onTrial: async (record) => {
      await appendFile(trialsFile, `${JSON.stringify(record)}\n`);
      logger.info({ trial: record.trial, sampler: record.sampler, score: record.score, seconds: record.seconds, params: record.params }, `tune: trial ${record.trial}`);
      bar.tick(1);
    },
  });
  bar.done();
  const best: TuneBest = {
    params: { ...base.params, ...search.best.params },
    trial: search.best.trial,
    score: search.best.score,
    defaultScore: search.trials[0].score,
    baselineScore,
    horizons: [...horizons],
    validationOrigin: origins.validation,
  };
  await writeFile(join(dir, 'best.json'), `${JSON.stringify(best, null, 2)}\n`);
  return { dir, trials: search.trials, best };
}

/** LightGBM's own defaults of the parameters the default space searches, for those the settings leave unset. */
const LIGHTGBM_DEFAULTS: Readonly<Record<string, number>> = {
  num_leaves: 31,
  min_data_in_leaf: 20,
  learning_rate: 0.1,
  feature_fraction: 1,
  bagging_fraction: 1,
  lambda_l1: 0,
  lambda_l2: 0,
};

/**
 * The searched parameters' values in `params` (the defaults; LightGBM's own where unset), clamped into the
 * space, as the first trial.
 */
function pickDefaults(space: SearchSpace, params: LightGbmParams): TrialParams {
  const out: TrialParams = {};
  for (const [name, d] of Object.entries(space)) {
    const value = params[name] ?? LIGHTGBM_DEFAULTS[name];
    if (d.kind === 'choice') out[name] = d.values.includes(value as never) ? (value as string | number | boolean) : d.values[0];
    else {
      const v = typeof value === 'number' ? Math.min(d.high, Math.max(d.low, value)) : d.log ? Math.sqrt(d.low * d.high) : (d.low + d.high) / 2;
      out[name] = d.kind === 'int' ? Math.round(v) : v;
    }
  }
  return out;
}

/**
 * NWRMSLE over the given horizons. `predicted` is rows × (all horizons) when `full`, else rows × horizons.length
 * in the order given.
 */
function scoreHorizons(validation: TrainingMatrix, horizons: readonly number[], predicted: Float64Array, full: boolean): number {
  const rows = validation.nRows;
  const k = horizons.length;
  const pick = new Float64Array(rows * k);
  const actual = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    horizons.forEach((h, j) => {
      pick[r * k + j] = predicted[r * (full ? validation.horizons : k) + (full ? h : j)];
      actual[r * k + j] = validation.labels[r * validation.horizons + h];
    });
  }
  return nwrmsle({ rows, horizons: k, predicted: pick, actual, weight: validation.weight }).overall;
}

