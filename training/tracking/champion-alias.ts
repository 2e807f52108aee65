import { TrackingNotFoundError, UsageError } from '../../core/errors.js';
import type { MlflowClient, ModelVersion } from '../../core/mlflow/index.js';
import { currentChampion, recordedOutcome, type GateOutcome } from './run-promotion-gate.js';
import { ALIASES, filterString, TRACKING_TAGS } from './tracking-tags.js';

/** One change of the champion alias made by hand, as kept in a version's history tag. */
export interface AliasChange {
  readonly at: string;
  readonly action: 'promoted' | 'replaced' | 'rolled-back' | 'restored';
  /** The version the alias moved from (promoted, restored) or to (replaced, rolled-back); '' when none. */
  readonly other: string;
  readonly by: string;
}

/** What moved. */
export interface ChampionChange {
  readonly modelName: string;
  readonly from?: string;
  readonly to: string;
  /** False when the version already was champion. */
  readonly changed: boolean;
}

/** A registered version as `models list` shows it. */
export interface VersionSummary {
  readonly version: string;
  readonly aliases: readonly string[];
  readonly runId?: string;
  readonly shelfcastRunId?: string;
  readonly validationOrigin?: string;
  readonly nwrmsle?: number;
  readonly gate?: GateOutcome;
  readonly createdAt?: string;
}

interface Effects {
  readonly now?: () => Date;
  /** Who made the change, for the record (e.g. `shelfcast models promote`). */
  readonly by: string;
}

/** Points `champion` at a version by hand (overriding the gate), recording the change on the versions involved. */
export async function promoteVersion(client: MlflowClient, modelName: string, version: string, effects: Effects): Promise<ChampionChange> {
  const target = await existingVersion(client, modelName, version);
  const champion = await currentChampion(client, modelName);
  if (champion?.version === target.version) return { modelName, from: champion.version, to: target.version, changed: false };
  const at = (effects.now?.() ?? new Date()).toISOString();
  await client.registry.setVersionTag(modelName, target.version, TRACKING_TAGS.previousChampion, champion?.version ?? '');
  await appendHistory(client, modelName, target, { at, action: 'promoted', other: champion?.version ?? '', by: effects.by });
  if (champion) await appendHistory(client, modelName, champion, { at, action: 'replaced', other: target.version, by: effects.by });
  await client.registry.setAlias(modelName, ALIASES.champion, target.version);
  return { modelName, from: champion?.version, to: target.version, changed: true };
}

/**
 * Moves `champion` back to the version that was champion before the current one (its `shelfcast.champion.previous`
 * tag), recording the change; rolling back again walks further back. A UsageError when there is nothing to go back to.
 */
export async function rollbackChampion(client: MlflowClient, modelName: string, effects: Effects): Promise<ChampionChange> {
  const champion = await currentChampion(client, modelName);
  if (!champion) throw new UsageError(`model ${modelName} has no champion to roll back`);
  const previous = champion.tags[TRACKING_TAGS.previousChampion];
  if (!previous) throw new UsageError(`model ${modelName}: champion version ${champion.version} has no previous champion recorded; use \`shelfcast models promote VERSION\``);
  const target = await existingVersion(client, modelName, previous);
  const at = (effects.now?.() ?? new Date()).toISOString();
  await appendHistory(client, modelName, champion, { at, action: 'rolled-back', other: target.version, by: effects.by });
  await appendHistory(client, modelName, target, { at, action: 'restored', other: champion.version, by: effects.by });
  await client.registry.setAlias(modelName, ALIASES.champion, target.version);
  return { modelName, from: champion.version, to: target.version, changed: true };
}

/** Every version of a model, newest first, with aliases, scores and gate decisions; a UsageError when there is no such model. */
export async function listVersions(client: MlflowClient, modelName: string): Promise<VersionSummary[]> {
  let aliases: Readonly<Record<string, string>>;
  try {
    aliases = (await client.registry.getModel(modelName)).aliases;
  } catch (err) {
    if (err instanceof TrackingNotFoundError) throw new UsageError(`the registry has no model ${modelName}: \`shelfcast train\` registers it`, { cause: err });
    throw err;
  }
  const out: VersionSummary[] = [];
  const filter = `name = ${filterString(modelName)}`;
  for await (const v of client.registry.searchAllVersions({ filter, orderBy: ['version_number DESC'] })) {
    const score = v.tags[TRACKING_TAGS.nwrmsle];
    out.push({
      version: v.version,
      aliases: Object.keys(aliases).filter((a) => aliases[a] === v.version).sort(),
      runId: v.runId,
      shelfcastRunId: v.tags[TRACKING_TAGS.runId],
      validationOrigin: v.tags[TRACKING_TAGS.validationOrigin],
      nwrmsle: score === undefined ? undefined : Number(score),
      gate: recordedOutcome(v),
      createdAt: v.creationTimestamp === undefined ? undefined : new Date(v.creationTimestamp).toISOString(),
    });
  }
  return out;
}

/** The alias changes recorded on a version, oldest first. */
export function aliasHistory(version: ModelVersion): AliasChange[] {
  try {
    const parsed: unknown = JSON.parse(version.tags[TRACKING_TAGS.history] ?? '[]');
    return Array.isArray(parsed) ? (parsed as AliasChange[]) : [];
  } catch {
    return [];
  }
}

async function appendHistory(client: MlflowClient, modelName: string, version: ModelVersion, change: AliasChange): Promise<void> {
  const history = [...aliasHistory(version), change];
  await client.registry.setVersionTag(modelName, version.version, TRACKING_TAGS.history, JSON.stringify(history));
}

async function existingVersion(client: MlflowClient, modelName: string, version: string): Promise<ModelVersion> {
  if (!/^[1-9]\d*$/.test(version)) throw new UsageError(`version ${JSON.stringify(version)}: expected a version number such as 3`);
  try {
    return await client.registry.getVersion(modelName, version);
  } catch (err) {
    if (err instanceof TrackingNotFoundError) throw new UsageError(`model ${modelName} has no version ${version}`, { cause: err });
    throw err;
  }
}
