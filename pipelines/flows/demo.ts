import { join } from 'node:path';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import { noProgress, type ProgressFactory } from '../../core/progress.js';
import type { Lake } from '../../core/storage/lake.js';
import { ingest, type IngestReport } from '../ingest/index.js';
import { profileLake, type LakeProfile } from '../profile/index.js';
import { generateDataset, type GenerateSummary, type ScaleName } from '../synthetic/index.js';
import { predictSubmission, type SubmissionReport } from '../../serving/submission/predict-submission.js';
import type { TrackingOutcome } from '../../training/tracking/index.js';
import { trainRun, type TrainRunOptions, type TrainRunResult } from '../../training/train-run.js';

/** What the demo runs on: a synthetic data set of one scale and seed, written to `dataDir`. */
export interface DemoOptions {
  readonly scale: ScaleName;
  readonly seed: number;
  readonly dataDir: string;
  /** Daily drops after the Kaggle period, kept beside the data for later scoring. */
  readonly daily: number;
  /** Days of past promotion plans written and loaded, so that training sees promotions as serving will. */
  readonly planHistory: number;
  /** Training settings over the 1st-place defaults, and where the run directory goes. */
  readonly training: Omit<TrainRunOptions, 'runId'>;
}

export interface DemoDeps {
  readonly config: Config;
  readonly lake: Lake;
  readonly logger: Logger;
  readonly progress?: ProgressFactory;
  /** Logs and registers the run directory (see trackRun); the demo skips tracking without it. */
  readonly track?: (runDir: string) => Promise<TrackingOutcome>;
}

/** The result of each step, in order. */
export interface DemoResult {
  readonly generated: GenerateSummary;
  readonly ingested: IngestReport;
  readonly profile: LakeProfile;
  readonly trained: TrainRunResult;
  readonly tracked?: TrackingOutcome;
  readonly submission: SubmissionReport;
}

/**
 * The main job on embedded defaults: generate Kaggle-schema data, ingest it into the lake, profile the lake,
 * train the 16 horizon boosters, log and register them in the tracker, and write a Kaggle submission for the
 * generated test file. Safe to run again:
 * the generator is deterministic, so a second ingest finds every file already loaded, and each training run
 * gets a new run directory.
 */
export async function runDemo(options: DemoOptions, deps: DemoDeps): Promise<DemoResult> {
  const progress = deps.progress ?? noProgress;
  deps.logger.info({ step: 'generate', scale: options.scale, seed: options.seed, out: options.dataDir }, 'demo: generating data');
  const generated = await generateDataset(
    { scale: options.scale, seed: options.seed, outDir: options.dataDir, daily: options.daily, planHistory: options.planHistory },
    { progress, logger: deps.logger },
  );
  deps.logger.info({ step: 'ingest', lake: deps.lake.location }, 'demo: ingesting into the lake');
  const ingested = await ingest({ source: options.dataDir }, { config: deps.config, lake: deps.lake, logger: deps.logger, progress });
  const profile = await profileLake({ lake: deps.lake, cacheDir: deps.config.cacheDir });
  deps.logger.info({ step: 'train', runsDir: options.training.runsDir }, 'demo: training');
  const trained = await trainRun(options.training, { lake: deps.lake, cacheDir: deps.config.cacheDir, logger: deps.logger, progress });
  let tracked: TrackingOutcome | undefined;
  if (deps.track) {
    deps.logger.info({ step: 'track', run: trained.dir }, 'demo: logging the run to MLflow');
    tracked = await deps.track(trained.dir);
  }
  deps.logger.info({ step: 'predict', run: trained.dir }, 'demo: writing a submission');
  const submission = await predictSubmission(
    { runDir: trained.dir, testFile: join(options.dataDir, 'test.csv'), out: `${trained.dir}-submission.csv` },
    { lake: deps.lake, cacheDir: deps.config.cacheDir, logger: deps.logger },
  );
  return { generated, ingested, profile, trained, tracked, submission };
}
