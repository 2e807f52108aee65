import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_REFERENCE_SAMPLE, RUN_FILES } from '../../training/bundle/index.js';
import { openLake } from '../../core/storage/open-lake.js';
import type { LightGbmParams, LightGbmParamValue } from '../../training/lightgbm/index.js';
import { trackRun } from '../../training/tracking/index.js';
import { trainRun, type TrainRunResult } from '../../training/train-run.js';
import { contextFor } from '../context.js';
import { formatTrackingOutcome } from './tracking-output.js';
import { parsePositiveInt, parseWholeNumber } from '../parse-flags.js';

/** The flags of `train` as commander hands them over. */
export interface TrainFlags {
  param: string[];
  params?: string;
  maxRounds?: string;
  earlyStopping?: string;
  trainingOrigins?: string;
  threads?: string;
  refit?: boolean;
  referenceRows?: string;
  referenceSeed?: string;
  runsDir?: string;
  track: boolean;
}

/**
 * LightGBM parameters from `--params FILE.json` (an object, or `tune`'s best.json with a `params` field) and
 * `--param name=value` flags, the flags winning.
 */
export function parameterOverrides(flags: Pick<TrainFlags, 'param' | 'params' | 'threads'>): LightGbmParams {
  const params: LightGbmParams = flags.params ? readParamsFile(flags.params) : {};
  for (const pair of flags.param) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(pair);
    if (!match) throw new UsageError(`--param ${pair}: expected name=value, e.g. --param num_leaves=63`);
    params[match[1]] = parseValue(match[2]);
  }
  if (flags.threads !== undefined) params.num_threads = parsePositiveInt('--threads', flags.threads);
  return params;
}

function readParamsFile(path: string): LightGbmParams {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new UsageError(`--params ${path}: cannot read it as JSON (${(cause as Error).message})`);
  }
  const object = isObject(value) && isObject(value.params) ? value.params : value;
  if (!isObject(object)) throw new UsageError(`--params ${path}: expected a JSON object of LightGBM parameters`);
  for (const [name, v] of Object.entries(object)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new UsageError(`--params ${path}: parameter ${name} must be a string, number or boolean, got ${JSON.stringify(v)}`);
    }
  }
  return object as LightGbmParams;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseValue(text: string): LightGbmParamValue {
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

/** Human-readable summary of a training run. */
export function formatTrainResult({ dir, manifest: m }: TrainRunResult): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const trees = m.horizons.map((h) => h.iterations);
  return [
    `Trained 16 horizon boosters in ${m.seconds.toFixed(1)} s (run ${m.runId})`,
    `  origins: validation ${m.origins.validation}, training ${m.origins.training.at(-1)} … ${m.origins.training[0]} (${m.origins.training.length}), ` +
      `${m.rows.training.toLocaleString('en-US')} training rows${m.origins.refit ? `; refit on ${m.origins.refit.length} latest origins` : ''}`,
    `  trees per horizon: ${Math.min(...trees)}–${Math.max(...trees)}`,
    `  validation NWRMSLE: model ${m.scores.model.overall.toFixed(4)}, 14-day-mean baseline ${m.scores.baseline.overall.toFixed(4)} ` +
      `(${pct(m.scores.improvement)} better)`,
    `  by horizon (model/baseline): ${m.scores.model.perHorizon.map((s, h) => `${h}:${s.toFixed(3)}/${m.scores.baseline.perHorizon[h].toFixed(3)}`).join(' ')}`,
    `  ONNX parity: max |Δ| ${m.parity.maxAbsDiff.toExponential(2)} on ${m.parity.rows.toLocaleString('en-US')} rows (allowed ${m.parity.tolerance})`,
    ...(m.pastPromotionPlans
      ? []
      : ['  note: the lake holds no promotion plans for past days, so these scores are optimistic (see report.md)']),
    `Run directory: ${dir} (${RUN_FILES.onnx}, lightgbm/h00–h15.txt, ${RUN_FILES.featureSpec}, ${RUN_FILES.metrics}, ${RUN_FILES.report}, ${RUN_FILES.referenceSample})`,
    `Next: shelfcast predict --run ${dir} --test FILE --out submission.csv`,
  ].join('\n');
}

/** `shelfcast train`: the 16 horizon boosters at the default origins, into a run directory. */
export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description('train one LightGBM booster per horizon (t … t+15) at the default origins, score, export ONNX, write a run directory')
    .option('--refit', 'retrain the final boosters on the latest origins (validation included) with the found round counts')
    .option('--reference-rows <n>', 'most validation rows in the reference sample for drift (all when fewer)', String(DEFAULT_REFERENCE_SAMPLE.rows))
    .option('--reference-seed <n>', 'seed that picks the reference sample rows', String(DEFAULT_REFERENCE_SAMPLE.seed))
    .option('--no-track', 'do not log the run to MLflow (MLFLOW_TRACKING_URI, else a local server); `shelfcast runs publish DIR` can later');
  addTrainingOptions(command, 'where run directories go').action(async (flags: TrainFlags, cmd: Command) => {
    const ctx = contextFor(cmd);
    const params = parameterOverrides(flags);
    const lake = openLake(ctx.config);
    try {
      const result = await trainRun(
        {
          params,
          maxRounds: parsePositiveInt('--max-rounds', flags.maxRounds ?? '5000'),
          earlyStoppingRounds: parsePositiveInt('--early-stopping', flags.earlyStopping ?? '125'),
          trainingOrigins: parsePositiveInt('--training-origins', flags.trainingOrigins ?? '6'),
          refit: Boolean(flags.refit),
          referenceRows: parsePositiveInt('--reference-rows', flags.referenceRows ?? String(DEFAULT_REFERENCE_SAMPLE.rows)),
          referenceSeed: parseWholeNumber('--reference-seed', flags.referenceSeed ?? String(DEFAULT_REFERENCE_SAMPLE.seed), 0xffffffff),
          runsDir: flags.runsDir ?? ctx.config.runsDir,
        },
        { lake, cacheDir: ctx.config.cacheDir, logger: ctx.logger, progress: ctx.progress },
      );
      // The run directory is complete here: a tracker failure is reported, and the command still succeeds.
      const tracking = flags.track ? await trackRun(result.dir, { config: ctx.config, lake, logger: ctx.logger }) : undefined;
      ctx.print({ ...result, tracking }, () => [formatTrainResult(result), ...(tracking ? [formatTrackingOutcome(tracking)] : [])].join('\n'));
    } finally {
      lake.close();
    }
  });
}

/**
 * The options `train` and `tune` share: LightGBM parameters, rounds, early stopping, origins, threads and the
 * runs directory.
 */
export function addTrainingOptions(command: Command, runsDirMeaning: string): Command {
  return command
    .option('--param <name=value>', 'LightGBM parameter over the 1st-place defaults (repeatable)', collect, [])
    .option('--params <file.json>', 'LightGBM parameters from a JSON file (e.g. the best.json of `shelfcast tune`)')
    .option('--max-rounds <n>', 'most boosting rounds per horizon', '5000')
    .option('--early-stopping <n>', 'stop after this many rounds without improvement on the validation origin', '125')
    .option('--training-origins <n>', 'training origins, one week apart before the validation origin', '6')
    .option('--threads <n>', 'LightGBM threads (default: all cores)')
    .option('--runs-dir <dir>', `${runsDirMeaning} (env SHELFCAST_RUNS_DIR, default ./runs)`);
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
