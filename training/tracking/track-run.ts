import type { Config } from '../../core/config.js';
import { TrackingError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { Lake } from '../../core/storage/lake.js';
import { championScorer } from './champion-rescore.js';
import { openTracker, type Tracker } from './open-tracker.js';
import { publishRun, type PublishResult } from './publish-run.js';

/** A run directory logged and registered, and where to look at it. */
export interface PublishedRun {
  readonly uiUrl: string;
  readonly embedded?: Tracker['embedded'];
  readonly runUrl: string;
  readonly versionUrl: string;
  readonly result: PublishResult;
}

/** How publishing a fresh run directory went. */
export type TrackingOutcome =
  | ({ readonly status: 'published' } & PublishedRun)
  /** The tracker could not be reached or refused: the run directory is complete and can be published later. */
  | { readonly status: 'unavailable'; readonly dir: string; readonly error: string };

export interface TrackRunDeps {
  readonly config: Pick<Config, 'mlflowTrackingUri' | 'mlflowAuth' | 'mlflowEmbedded' | 's3' | 'experimentName' | 'modelName' | 'cacheDir'>;
  /** The lake the run was trained on (for rescoring the champion on the run's window). */
  readonly lake: Lake;
  readonly logger?: Logger;
}

/**
 * Publishes a run directory to the configured tracker (the embedded one when MLFLOW_TRACKING_URI is not set) and
 * says where to look; see publishRun.
 */
export async function publishToTracker(dir: string, deps: TrackRunDeps): Promise<PublishedRun> {
  const logger = deps.logger ?? silentLogger;
  const { config } = deps;
  const tracker = await openTracker(config, { logger });
  const { client } = tracker;
  const scoreChampion = championScorer({ client, lake: deps.lake, cacheDir: config.cacheDir, logger });
  const result = await publishRun(dir, { experimentName: config.experimentName, modelName: config.modelName }, { client, scoreChampion, cacheDir: config.cacheDir, logger });
  return { uiUrl: tracker.uiUrl, embedded: tracker.embedded, ...trackerUrls(tracker.uiUrl, result), result };
}

/**
 * publishToTracker after training: a tracker failure is an outcome, not an error, since training produced a
 * complete run directory, which `shelfcast runs publish DIR` logs later.
 */
export async function trackRun(dir: string, deps: TrackRunDeps): Promise<TrackingOutcome> {
  try {
    return { status: 'published', ...(await publishToTracker(dir, deps)) };
  } catch (err) {
    if (!(err instanceof TrackingError)) throw err;
    (deps.logger ?? silentLogger).warn({ err: err.message, dir }, 'tracking failed; the run directory is complete');
    return { status: 'unavailable', dir, error: err.message };
  }
}

/** The MLflow UI pages of a published run and of its model version. */
export function trackerUrls(uiUrl: string, r: Pick<PublishResult, 'experimentId' | 'mlflowRunId' | 'modelName' | 'version'>): { runUrl: string; versionUrl: string } {
  return {
    runUrl: `${uiUrl}/#/experiments/${r.experimentId}/runs/${r.mlflowRunId}`,
    versionUrl: `${uiUrl}/#/models/${encodeURIComponent(r.modelName)}/versions/${r.version}`,
  };
}
