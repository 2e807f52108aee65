import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';
import type { Lake } from '../core/storage/lake.js';
import { shelfcastVersion, sourceCommit } from '../core/version.js';
import {
  addDays,
  buildFeatures,
  defaultOrigins,
  featureSpecDocument,
  lastLabelDay,
  SELECTION_DAYS,
  stagedDates,
  stagingTablesFromLake,
  type CategoryCodes,
  type FeatureTable,
} from '../pipelines/features/index.js';
import { formatBacktestReport, improvementOver } from './bundle/backtest-report.js';
import {
  checkOnnxParity,
  DEFAULT_REFERENCE_SAMPLE,
  drawReferenceSample,
  mlflowModelFiles,
  projectModelEnvironment,
  RUN_FILES,
  writeRunBundle,
  type ModelEnvironment,
  type ReferenceSampleSettings,
  type RunManifest,
} from './bundle/index.js';
import { fourteenDayMeanForecast, nwrmsle, type HorizonScores } from './evaluation/index.js';
import {
  DEFAULT_TRAINING_SETTINGS,
  predictHorizons,
  refitHorizons,
  stackFeatureTables,
  trainHorizons,
  type HorizonModel,
  type TrainingSettings,
} from './horizons/index.js';
import { LightGbmLibrary, type LightGbmParams } from './lightgbm/index.js';
import { exportBoostersToOnnx, parseLightGbmDump } from './onnx/index.js';

/** What to train. */
export interface TrainRunOptions {
  /** Parameters over the 1st-place defaults. */
  readonly params?: LightGbmParams;
  readonly maxRounds?: number;
  readonly earlyStoppingRounds?: number;
  /** Training origins before the validation origin (default 6, one week apart). */
  readonly trainingOrigins?: number;
  /** Retrain the final boosters on the latest origins (the validation origin included) with the found round counts. */
  readonly refit?: boolean;
  /** Most validation rows in the run's reference sample for drift (default 10,000; all when there are fewer). */
  readonly referenceRows?: number;
  /** The seed that picks the reference rows (default DEFAULT_REFERENCE_SAMPLE.seed). */
  readonly referenceSeed?: number;
  /** The run directory goes under here, named after the run id. */
  readonly runsDir: string;
  readonly runId?: string;
}

export interface TrainRunDeps {
  readonly lake: Lake;
  readonly cacheDir: string;
  readonly logger?: Logger;
  readonly progress?: ProgressFactory;
  readonly library?: LightGbmLibrary;
  /** The Python environment the MLmodel file names; by default the project venv's (projectModelEnvironment). */
  readonly modelEnvironment?: ModelEnvironment;
}

/** What a training run produced. */
export interface TrainRunResult {
  readonly dir: string;
  readonly manifest: RunManifest;
}

/** The origins of a run, from the lake's last sales day (DESIGN.md, Default origins). */
export interface RunOrigins {
  readonly test: string;
  readonly validation: string;
  readonly training: readonly string[];
  readonly refit?: readonly string[];
}

/**
 * Trains the 16 horizon boosters from the lake's staged data at the default origins, scores them against the
 * 14-day-mean baseline on the validation origin, exports one ONNX model, checks its parity with the boosters, draws
 * a seeded reference sample of the validation rows for drift monitoring and writes a self-contained run directory.
 *
 * @example const { dir, manifest } = await trainRun({ runsDir: './runs' }, { lake, cacheDir })
 */
export async function trainRun(options: TrainRunOptions, deps: TrainRunDeps): Promise<TrainRunResult> {
  const started = performance.now();
  const logger = deps.logger ?? silentLogger;
  const progress = deps.progress ?? noProgress;
  const settings = trainingSettings(options);
  const referenceSettings = referenceSampleSettings(options);
  const runId = options.runId ?? newRunId();
  const dir = resolve(options.runsDir, runId);
  if (existsSync(dir)) throw new UsageError(`${dir} already exists; a run directory is never overwritten`);

  const sales = await stagedDates(deps.lake, 'train');
  const lastObservedDay = sales.at(-1);
  if (!lastObservedDay) throw new DataError(`${deps.lake.location} holds no staged sales; run \`shelfcast ingest\` first`);
  const origins = runOrigins(lastObservedDay, options);
  const dataWindow = checkSalesCover(sales[0], origins);
  const pastPromotionPlans = coversForecastDays(await stagedDates(deps.lake, 'test'), origins);
  logger.info({ runId, ...origins, dataWindow }, 'train: origins');

  const library = deps.library ?? LightGbmLibrary.open();
  const modelEnvironment = deps.modelEnvironment ?? projectModelEnvironment();
  const { validationTable, trainingTables } = await originTables(origins, deps);
  const categories = validationTable.categories;

  const validation = stackFeatureTables([validationTable]);
  const training = stackFeatureTables(trainingTables);
  const rounds = progress({ label: 'boosting', unit: 'rounds' });
  const horizonStarted = new Map<number, number>();
  const scored = trainHorizons({
    library,
    train: training,
    validation,
    settings,
    onRound: (h) => {
      if (!horizonStarted.has(h)) horizonStarted.set(h, performance.now());
      rounds.tick(1);
    },
    onHorizon: (m) =>
      logger.info(
        { horizon: m.horizon, trees: m.iterations, nwrmsle: Math.sqrt(m.curve[m.iterations - 1] ?? NaN), seconds: secondsSince(horizonStarted.get(m.horizon)!) },
        `train: horizon ${m.horizon} done`,
      ),
  });
  rounds.done();

  const predicted = interleave(scored.map((m) => m.validationPrediction!), validation.nRows);
  const scoreOf = (p: ArrayLike<number>): HorizonScores =>
    nwrmsle({ rows: validation.nRows, horizons: validation.horizons, predicted: p, actual: validation.labels, weight: validation.weight });
  const model = scoreOf(predicted);
  const baseline = scoreOf(fourteenDayMeanForecast(validationTable, validation.horizons));
  const improvement = improvementOver(model.overall, baseline.overall);
  logger.info({ model: model.overall, baseline: baseline.overall, improvement }, 'train: validation NWRMSLE');

  let finalModels: readonly HorizonModel[] = scored;
  let refitRows: number | undefined;
  if (origins.refit) {
    const refitTables = [validationTable, ...trainingTables].filter((t) => origins.refit!.includes(t.origin));
    const refit = stackFeatureTables(refitTables);
    refitRows = refit.nRows;
    const refitRounds = progress({ label: 'refit', unit: 'rounds', total: scored.reduce((n, m) => n + m.iterations, 0) });
    finalModels = refitHorizons({ library, train: refit, settings, rounds: scored.map((m) => m.iterations), onRound: () => refitRounds.tick(1) });
    refitRounds.done();
  }

  const modelTexts = finalModels.map((m) => m.modelText);
  const onnx = exportBoostersToOnnx(
    finalModels.map((m) => parseLightGbmDump(m.modelDump, { source: `horizon ${m.horizon}` })),
    {
      featureNames: validation.featureNames,
      producerVersion: shelfcastVersion(),
      docString: `shelfcast forecast of log1p(unit_sales) for the 16 days from the origin; run ${runId}`,
      metadata: { run_id: runId, test_origin: origins.test, validation_origin: origins.validation, last_observed_day: lastObservedDay },
    },
  );
  const parity = await checkOnnxParity(onnx, validation, (probes) => predictHorizons(library, modelTexts, probes));
  logger.info({ maxAbsDiff: parity.maxAbsDiff, rows: parity.rows }, 'train: ONNX parity');
  // The forecasts of the bundled boosters (the refit ones with --refit): what serving will answer for these rows.
  const referenceSample = drawReferenceSample(validationTable, referenceSettings, (m) => predictHorizons(library, modelTexts, m));

  const iterations = scored.map((m) => m.iterations);
  const report = formatBacktestReport({
    runId,
    validationOrigin: origins.validation,
    trainingOrigins: origins.training,
    refitOrigins: origins.refit,
    validationRows: validation.nRows,
    trainingRows: training.nRows,
    model,
    baseline,
    iterations,
    parityMaxAbsDiff: parity.maxAbsDiff,
    pastPromotionPlans,
    referenceSample: { file: RUN_FILES.referenceSample, rows: referenceSample.rows, seed: referenceSettings.seed },
  });
  const createdAt = new Date().toISOString();
  const mlflowModel = mlflowModelFiles({
    onnxFile: RUN_FILES.onnx,
    featureCount: validation.nCols,
    outputs: validation.horizons,
    environment: modelEnvironment,
    createdAt,
    modelUuid: randomUUID().replace(/-/g, ''),
    metadata: { shelfcast_run_id: runId, validation_origin: origins.validation, test_origin: origins.test, last_observed_day: lastObservedDay },
  });
  const manifest = await writeRunBundle(
    dir,
    {
      manifest: {
        format: 'shelfcast-run',
        formatVersion: 1,
        runId,
        createdAt,
        shelfcastVersion: shelfcastVersion(),
        sourceCommit: sourceCommit(),
        lake: deps.lake.location,
        lastObservedDay,
        origins: { ...origins, training: [...origins.training], refit: origins.refit && [...origins.refit] },
        dataWindow,
        settings: {
          params: { ...settings.params },
          maxRounds: settings.maxRounds,
          earlyStoppingRounds: settings.earlyStoppingRounds,
          referenceSample: { ...referenceSettings },
        },
        rows: { training: training.nRows, validation: validation.nRows, refit: refitRows, reference: referenceSample.rows },
        horizons: scored.map((m, h) => ({
          horizon: m.horizon,
          iterations: m.iterations,
          stoppedEarly: m.stoppedEarly,
          refitIterations: origins.refit ? finalModels[h].iterations : undefined,
        })),
        scores: { model, baseline, improvement },
        parity,
        featureCount: validation.nCols,
        pastPromotionPlans,
        seconds: secondsSince(started),
      },
      onnx,
      modelTexts,
      featureSpec: { ...featureSpecDocument(), categories, origins, dataWindow, lastObservedDay },
      metrics: {
        metric: 'NWRMSLE',
        validationOrigin: origins.validation,
        model,
        baseline,
        improvement,
        horizons: scored.map((m, h) => ({ horizon: h, model: model.perHorizon[h], baseline: baseline.perHorizon[h], trees: m.iterations })),
      },
      learningCurves: {
        metric: 'weighted l2 of log1p(sales) on the validation origin (NWRMSLE squared)',
        horizons: scored.map((m) => m.curve),
      },
      report,
      mlflowModel,
      referenceSample,
    },
    { cacheDir: deps.cacheDir },
  );
  logger.info({ dir, seconds: manifest.seconds }, 'train: run written');
  return { dir, manifest };
}

/** The settings of a run: the 1st-place defaults with the caller's overrides. */
export function trainingSettings(options: Pick<TrainRunOptions, 'params' | 'maxRounds' | 'earlyStoppingRounds'>): TrainingSettings {
  const d = DEFAULT_TRAINING_SETTINGS;
  const settings = {
    params: { ...d.params, ...options.params },
    maxRounds: options.maxRounds ?? d.maxRounds,
    earlyStoppingRounds: options.earlyStoppingRounds ?? d.earlyStoppingRounds,
  };
  for (const [name, value] of [['max rounds', settings.maxRounds], ['early stopping rounds', settings.earlyStoppingRounds]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a positive integer, got ${value}`);
  }
  return settings;
}

/** The reference sample's size and seed: the defaults with the caller's overrides. */
export function referenceSampleSettings(options: Pick<TrainRunOptions, 'referenceRows' | 'referenceSeed'>): ReferenceSampleSettings {
  const rows = options.referenceRows ?? DEFAULT_REFERENCE_SAMPLE.rows;
  const seed = options.referenceSeed ?? DEFAULT_REFERENCE_SAMPLE.seed;
  if (!Number.isInteger(rows) || rows < 1) throw new UsageError(`--reference-rows must be a positive integer, got ${rows}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--reference-seed must be an integer in 0..4294967295, got ${seed}`);
  return { rows, seed };
}

/** Default origins with `trainingOrigins` of them for training; the refit origins are the latest of the same weekday. */
export function runOrigins(lastObservedDay: string, options: Pick<TrainRunOptions, 'trainingOrigins' | 'refit'> = {}): RunOrigins {
  const count = options.trainingOrigins ?? 6;
  if (!Number.isInteger(count) || count < 1 || count > 52) throw new UsageError(`--training-origins must be an integer in 1..52, got ${count}`);
  const defaults = defaultOrigins(lastObservedDay);
  const training = Array.from({ length: count }, (_, k) => addDays(defaults.validation, -7 * (k + 1)));
  const refit = options.refit ? [defaults.validation, ...training.slice(0, count - 1)] : undefined;
  return { test: defaults.test, validation: defaults.validation, training, refit };
}

/**
 * The days of sales a run reads, after checking that the lake's first sales day comes before the oldest
 * training origin (a year of history before it is best: the features look back 365 days).
 */
export function checkSalesCover(firstSalesDay: string, origins: RunOrigins): { from: string; to: string } {
  const oldest = origins.training.at(-1)!;
  const from = addDays(oldest, -SELECTION_DAYS);
  if (firstSalesDay >= oldest) {
    throw new DataError(
      `the lake's sales start on ${firstSalesDay}, but the oldest training origin is ${oldest}: ` +
        `training needs sales before it (ideally from ${from}); ingest more history or pass fewer --training-origins`,
    );
  }
  return { from, to: lastLabelDay(origins.validation) };
}

/** Labelled feature tables at the validation and training origins, with the validation origin's category codes. */
export async function originTables(
  origins: Pick<RunOrigins, 'validation' | 'training'>,
  deps: Pick<TrainRunDeps, 'lake' | 'cacheDir' | 'logger'>,
): Promise<{ validationTable: FeatureTable; trainingTables: FeatureTable[] }> {
  const logger = deps.logger ?? silentLogger;
  const validationTable = await featuresAt(origins.validation, deps, logger);
  const trainingTables: FeatureTable[] = [];
  for (const origin of origins.training) trainingTables.push(await featuresAt(origin, deps, logger, validationTable.categories));
  return { validationTable, trainingTables };
}

/** Whether staged plan partitions cover every day from the oldest training origin to the validation origin's last label day. */
function coversForecastDays(planDates: readonly string[], origins: RunOrigins): boolean {
  const planned = new Set(planDates);
  for (let d = origins.training.at(-1)!; d <= lastLabelDay(origins.validation); d = addDays(d, 1)) {
    // Stores close on 1 January and 25 December: no plan is expected then.
    if (!planned.has(d) && !/-(01-01|12-25)$/.test(d)) return false;
  }
  return true;
}

/** The labelled feature table at one origin as training builds it (categories: reuse another table's codes). */
export async function featuresAt(origin: string, deps: Pick<TrainRunDeps, 'lake' | 'cacheDir'>, logger: Logger, categories?: CategoryCodes): Promise<FeatureTable> {
  const started = performance.now();
  const tables = await stagingTablesFromLake(deps.lake, origin);
  const table = await buildFeatures(tables, { origin, labels: true, categories }, { cacheDir: deps.cacheDir, logger: logger.child({}, { level: 'warn' }) });
  logger.info({ origin, rows: table.rows, seconds: secondsSince(started) }, `train: features at ${origin}`);
  return table;
}

/** Per-horizon prediction columns → rows × horizons, row-major. */
export function interleave(columns: readonly Float64Array[], rows: number): Float64Array {
  const horizons = columns.length;
  const out = new Float64Array(rows * horizons);
  columns.forEach((column, h) => {
    for (let r = 0; r < rows; r++) out[r * horizons + h] = column[r];
  });
  return out;
}

/** A sortable, unique id: UTC time to the second plus random hex. */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}
