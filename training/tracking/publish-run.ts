import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../core/logger.js';
import { runArtifactPath, type MlflowClient, type ModelVersion, type Run } from '../../core/mlflow/index.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import { lastLabelDay } from '../../pipelines/features/index.js';
import { readRunBundle, RUN_FILES, type RunBundle } from '../bundle/index.js';
import type { ChampionScorer } from './champion-rescore.js';
import { learningCurvesSvg } from './learning-curves-svg.js';
import { windowLabel } from './promotion-gate.js';
import { recordedOutcome, runPromotionGate, type GateOutcome } from './run-promotion-gate.js';
import { trackingRecord } from './tracking-record.js';
import { filterString, TRACKING_TAGS } from './tracking-tags.js';

/** Where a run directory goes in the tracker. */
export interface PublishOptions {
  readonly experimentName: string;
  readonly modelName: string;
}

export interface PublishDeps {
  readonly client: MlflowClient;
  /** Scores the champion on the challenger's window when it was trained on another one. */
  readonly scoreChampion: ChampionScorer;
  /** Scratch files (the plot) go under here. */
  readonly cacheDir: string;
  readonly logger?: Logger;
}

/** Where a published run is. */
export interface PublishResult {
  readonly shelfcastRunId: string;
  readonly experimentId: string;
  readonly experimentName: string;
  readonly mlflowRunId: string;
  readonly modelName: string;
  readonly version: string;
  readonly gate: GateOutcome;
  /** False when the run dir had been published completely before: nothing was logged or registered again. */
  readonly published: boolean;
}

/** Artifact paths of a published run: the run directory (an MLflow model) and what the run page shows beside it. */
export const ARTIFACT_PATHS = { model: 'model', report: 'report.md', plot: 'plots/learning_curves.svg' } as const;

/**
 * Logs a run directory to the tracker and registers it: an MLflow run (params, metrics, stepped learning curves,
 * tags; the run directory under `model/`, report.md and a learning-curve plot) in the experiment, a version of the
 * registered model whose source is that `model/` directory, and the promotion gate on it.
 *
 * Idempotent and resumable: the MLflow run and the version are found again by their `shelfcast.run_id` tag, so
 * publishing the same directory twice makes one run and one version, and a publish cut short (the tracker went
 * away) completes on the next call. The run is marked FINISHED and tagged with its version at the very end.
 */
export async function publishRun(dir: string, options: PublishOptions, deps: PublishDeps): Promise<PublishResult> {
  const { client } = deps;
  const logger = deps.logger ?? silentLogger;
  const bundle = await readRunBundle(dir);
  const id = bundle.manifest.runId;
  const experiment = await client.experiments.getOrCreate(options.experimentName);
  const done = (run: Run, version: ModelVersion, gate: GateOutcome, published: boolean): PublishResult => ({
    shelfcastRunId: id,
    experimentId: experiment.experimentId,
    experimentName: experiment.name,
    mlflowRunId: run.info.runId,
    modelName: options.modelName,
    version: version.version,
    gate,
    published,
  });

  const found = await findRun(client, experiment.experimentId, id);
  const publishedVersion = found?.tags[TRACKING_TAGS.publishedVersion];
  if (found && publishedVersion) {
    const version = await client.registry.getVersion(options.modelName, publishedVersion);
    const gate = recordedOutcome(version);
    if (gate) {
      logger.info({ runId: id, mlflowRunId: found.info.runId, version: version.version }, 'publish: already published');
      return done(found, version, gate, false);
    }
  }

  const record = trackingRecord(await recordInput(bundle));
  const run = found ?? (await client.runs.create({ experimentId: experiment.experimentId, runName: record.runName, tags: { [TRACKING_TAGS.runId]: id } }));
  logger.info({ runId: id, mlflowRunId: run.info.runId, resumed: Boolean(found) }, 'publish: logging the run');
  await client.runs.logBatch(run.info.runId, { params: record.params, metrics: record.metrics, tags: record.tags });
  await uploadArtifacts(client, run, bundle, deps.cacheDir);

  const version = await registerVersion(client, options.modelName, run, bundle);
  const gate = await runPromotionGate(options.modelName, version, { client, scoreChampion: deps.scoreChampion, logger });
  await client.runs.setTag(run.info.runId, TRACKING_TAGS.publishedVersion, version.version);
  await client.runs.terminate(run.info.runId, 'FINISHED', Date.now());
  return done(run, version, gate, true);
}

/** The MLflow run logged for a shelfcast run id in an experiment, if any. */
export async function findRun(client: MlflowClient, experimentId: string, shelfcastRunId: string): Promise<Run | undefined> {
  const filter = `tags.\`${TRACKING_TAGS.runId}\` = ${filterString(shelfcastRunId)}`;
  const page = await client.runs.search({ experimentIds: [experimentId], filter, orderBy: ['attributes.start_time ASC'], maxResults: 1 });
  return page.items[0];
}

async function recordInput(bundle: RunBundle): Promise<Parameters<typeof trackingRecord>[0]> {
  const json = async (file: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(bundle.path(file), 'utf8')) as Record<string, unknown>;
  return {
    manifest: bundle.manifest,
    learningCurves: (await json(RUN_FILES.learningCurves)) as unknown as { horizons: number[][] },
    featureSpec: await json(RUN_FILES.featureSpec),
    report: await readFile(bundle.path(RUN_FILES.report), 'utf8'),
  };
}

async function uploadArtifacts(client: MlflowClient, run: Run, bundle: RunBundle, cacheDir: string): Promise<void> {
  await client.artifacts.uploadDirectory(bundle.dir, runArtifactPath(run.info, ARTIFACT_PATHS.model));
  await client.artifacts.upload(bundle.path(RUN_FILES.report), runArtifactPath(run.info, ARTIFACT_PATHS.report));
  const curves = JSON.parse(await readFile(bundle.path(RUN_FILES.learningCurves), 'utf8')) as { horizons: number[][] };
  const m = bundle.manifest;
  const svg = learningCurvesSvg({
    title: `Validation NWRMSLE by boosting round, run ${m.runId} (validation origin ${m.origins.validation})`,
    curves: curves.horizons.map((c) => c.map(Math.sqrt)),
    references: [
      { label: `14-day-mean baseline ${m.scores.baseline.overall.toFixed(4)}`, value: m.scores.baseline.overall },
      { label: `model ${m.scores.model.overall.toFixed(4)}`, value: m.scores.model.overall },
    ],
  });
  const work = await createWorkDir(cacheDir, 'publish');
  try {
    const file = join(work, 'learning_curves.svg');
    await writeFile(file, svg);
    await client.artifacts.upload(file, runArtifactPath(run.info, ARTIFACT_PATHS.plot));
  } finally {
    await removeWorkDir(work);
  }
}

/** The version registered for this run (found by tag), or a new one whose source is the run's `model/` directory. */
async function registerVersion(client: MlflowClient, modelName: string, run: Run, bundle: RunBundle): Promise<ModelVersion> {
  const m = bundle.manifest;
  const filter = `name = ${filterString(modelName)} and tags.\`${TRACKING_TAGS.runId}\` = ${filterString(m.runId)}`;
  const existing = (await client.registry.searchVersions({ filter, maxResults: 1 })).items[0];
  if (existing) return client.registry.waitUntilReady(modelName, existing.version, { intervalMs: 250 });
  await client.registry.getOrCreateModel(modelName, { description: 'shelfcast: 16-day unit_sales forecasts per store×item (one ONNX model, log1p space)' });
  const window = { lake: m.lake, origin: m.origins.validation, lastDay: lastLabelDay(m.origins.validation) };
  const created = await client.registry.createVersion({
    name: modelName,
    source: `${run.info.artifactUri}/${ARTIFACT_PATHS.model}`,
    runId: run.info.runId,
    description: `run ${m.runId}: validation NWRMSLE ${m.scores.model.overall.toFixed(4)} (baseline ${m.scores.baseline.overall.toFixed(4)}) on ${windowLabel(window)}`,
    tags: {
      [TRACKING_TAGS.runId]: m.runId,
      [TRACKING_TAGS.lake]: m.lake,
      [TRACKING_TAGS.validationOrigin]: m.origins.validation,
      [TRACKING_TAGS.validationWindow]: windowLabel(window),
      [TRACKING_TAGS.nwrmsle]: String(m.scores.model.overall),
      [TRACKING_TAGS.dataWindow]: `${m.dataWindow.from}..${m.dataWindow.to}`,
    },
  });
  return client.registry.waitUntilReady(modelName, created.version, { intervalMs: 250 });
}
