import { TrackingNotFoundError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { MlflowClient, ModelVersion } from '../../core/mlflow/index.js';
import { lastLabelDay } from '../../pipelines/features/index.js';
import type { ChampionScorer } from './champion-rescore.js';
import { decidePromotion, sameWindow, windowLabel, type ChampionStanding, type ValidationWindow } from './promotion-gate.js';
import { ALIASES, TRACKING_TAGS } from './tracking-tags.js';

/** What the gate decided for one version, as recorded in its tags. */
export interface GateOutcome {
  readonly version: string;
  readonly promoted: boolean;
  readonly reason: string;
  readonly window: string;
  readonly challengerNwrmsle: number;
  readonly champion?: { readonly version: string; readonly nwrmsle?: number; readonly rescored: boolean };
  /** True when an earlier call had already decided (the decision is read back, nothing moves). */
  readonly recorded: boolean;
}

export interface GateDeps {
  readonly client: MlflowClient;
  readonly scoreChampion: ChampionScorer;
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/** The window a registered version was scored on, from its tags; undefined when it lacks them. */
export function versionWindow(version: ModelVersion): ValidationWindow | undefined {
  const origin = version.tags[TRACKING_TAGS.validationOrigin];
  const lake = version.tags[TRACKING_TAGS.lake];
  return origin && lake ? { lake, origin, lastDay: lastLabelDay(origin) } : undefined;
}

/**
 * Runs the promotion gate on a freshly registered version: it gets the `challenger` alias; the champion is scored on
 * the version's window (its own score when trained on it, else rescored, see ChampionScorer); decidePromotion says
 * whether `champion` moves. Both scores, the window and the decision with its reason are tagged on the version, the
 * decision last, so that a call interrupted before it is simply run again. A version already decided is left alone.
 */
export async function runPromotionGate(modelName: string, version: ModelVersion, deps: GateDeps): Promise<GateOutcome> {
  const { client } = deps;
  const logger = deps.logger ?? silentLogger;
  const T = TRACKING_TAGS.gate;
  const recorded = recordedOutcome(version);
  if (recorded) return recorded;
  const window = versionWindow(version);
  const challengerNwrmsle = Number(version.tags[TRACKING_TAGS.nwrmsle]);
  if (!window) throw new TrackingNotFoundError(`model version ${modelName}/${version.version} lacks the ${TRACKING_TAGS.validationOrigin} and ${TRACKING_TAGS.lake} tags the gate needs`);

  await client.registry.setAlias(modelName, ALIASES.challenger, version.version);
  const champion = await currentChampion(client, modelName);
  let standing: ChampionStanding = { kind: 'none' };
  if (champion && champion.version !== version.version) {
    const championWindow = versionWindow(champion);
    const own = Number(champion.tags[TRACKING_TAGS.nwrmsle]);
    standing =
      championWindow && sameWindow(championWindow, window) && Number.isFinite(own)
        ? { kind: 'scored', version: champion.version, nwrmsle: own, rescored: false }
        : await deps.scoreChampion(champion, window);
  }
  // Interrupted after moving the alias but before recording: the version is champion already.
  const decision =
    champion?.version === version.version
      ? { promote: true, reason: version.tags[T.reason] ?? `version ${version.version} is champion` }
      : decidePromotion({ version: version.version, nwrmsle: challengerNwrmsle }, standing, window);

  const tags: Record<string, string> = {
    [T.window]: windowLabel(window),
    [T.challengerScore]: String(challengerNwrmsle),
    [T.reason]: decision.reason,
    [T.decidedAt]: (deps.now?.() ?? new Date()).toISOString(),
  };
  if (standing.kind !== 'none') {
    tags[T.championVersion] = standing.version;
    if (standing.kind === 'scored') {
      tags[T.championScore] = String(standing.nwrmsle);
      tags[T.championRescored] = String(standing.rescored);
    }
  }
  if (decision.promote && champion?.version !== version.version) tags[TRACKING_TAGS.previousChampion] = champion?.version ?? '';
  for (const [key, value] of Object.entries(tags)) await client.registry.setVersionTag(modelName, version.version, key, value);
  if (decision.promote) await client.registry.setAlias(modelName, ALIASES.champion, version.version);
  await client.registry.setVersionTag(modelName, version.version, T.decision, decision.promote ? 'promoted' : 'rejected');
  logger.info({ model: modelName, version: version.version, promoted: decision.promote, reason: decision.reason }, 'gate: decided');
  return { ...recordedOutcome(await client.registry.getVersion(modelName, version.version))!, recorded: false };
}

/** The version behind `champion`, or undefined when the alias is not set. */
export async function currentChampion(client: MlflowClient, modelName: string): Promise<ModelVersion | undefined> {
  try {
    return await client.registry.getVersionByAlias(modelName, ALIASES.champion);
  } catch (err) {
    if (err instanceof TrackingNotFoundError) return undefined;
    throw err;
  }
}

/** The gate outcome a version's tags record, or undefined when the gate has not decided on it. */
export function recordedOutcome(version: ModelVersion): GateOutcome | undefined {
  const T = TRACKING_TAGS.gate;
  const decision = version.tags[T.decision];
  if (decision !== 'promoted' && decision !== 'rejected') return undefined;
  const championVersion = version.tags[T.championVersion];
  const championScore = version.tags[T.championScore];
  return {
    version: version.version,
    promoted: decision === 'promoted',
    reason: version.tags[T.reason] ?? '',
    window: version.tags[T.window] ?? '',
    challengerNwrmsle: Number(version.tags[T.challengerScore]),
    champion: championVersion
      ? { version: championVersion, nwrmsle: championScore === undefined ? undefined : Number(championScore), rescored: version.tags[T.championRescored] === 'true' }
      : undefined,
    recorded: true,
  };
}
