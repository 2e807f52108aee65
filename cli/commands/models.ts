import type { Command } from 'commander';
import { contextFor, type CommandContext } from '../context.js';
import { listVersions, openTracker, promoteVersion, rollbackChampion, type ChampionChange, type VersionSummary } from '../../training/tracking/index.js';
import { formatTracker } from './tracking-output.js';

/** `models list` as a table: newest version first. */
export function formatVersionList(modelName: string, versions: readonly VersionSummary[]): string {
  if (versions.length === 0) return `Model ${modelName} has no versions yet: run \`shelfcast train\`.`;
  const rows = versions.map((v) => [
    v.version,
    v.aliases.map((a) => `@${a}`).join(' ') || '-',
    v.nwrmsle === undefined ? '-' : v.nwrmsle.toFixed(4),
    v.validationOrigin ?? '-',
    v.gate ? (v.gate.promoted ? 'promoted' : 'rejected') : '-',
    v.gate?.champion?.nwrmsle === undefined ? '-' : `v${v.gate.champion.version} ${v.gate.champion.nwrmsle.toFixed(4)}${v.gate.champion.rescored ? ' (rescored)' : ''}`,
    v.shelfcastRunId ?? '-',
  ]);
  const header = ['version', 'aliases', 'nwrmsle', 'validation', 'gate', 'champion then', 'run'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`Model ${modelName}:`, line(header), ...rows.map(line)].join('\n');
}

function formatChange(c: ChampionChange, verb: string): string {
  if (!c.changed) return `Version ${c.to} of ${c.modelName} already is @champion; nothing changed.`;
  return `${verb}: @champion of ${c.modelName} moved from ${c.from ? `version ${c.from}` : 'nowhere'} to version ${c.to} (recorded in the versions' tags).`;
}

async function withTracker<T>(ctx: CommandContext, act: (tracker: Awaited<ReturnType<typeof openTracker>>) => Promise<T>): Promise<T> {
  const tracker = await openTracker(ctx.config, { logger: ctx.logger });
  if (!ctx.json) process.stderr.write(`${formatTracker(tracker.uiUrl, tracker.embedded)}\n`);
  return act(tracker);
}

/** `shelfcast models list|promote VERSION|rollback`: the registered model's versions and its champion alias. */
export function registerModelsCommands(program: Command): void {
  const models = program.command('models').description(`the registered model (env SHELFCAST_MODEL_NAME): versions, scores, the champion alias`);
  models
    .command('list')
    .description('versions newest first, with aliases, validation scores and promotion-gate decisions')
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = contextFor(cmd);
      const versions = await withTracker(ctx, (t) => listVersions(t.client, ctx.config.modelName));
      ctx.print({ modelName: ctx.config.modelName, versions }, () => formatVersionList(ctx.config.modelName, versions));
    });
  models
    .command('promote')
    .argument('<version>', 'the version number to make champion')
    .description('make a version champion by hand, overriding the gate (recorded in tags; undo with rollback)')
    .action(async (version: string, _flags: unknown, cmd: Command) => {
      const ctx = contextFor(cmd);
      const change = await withTracker(ctx, (t) => promoteVersion(t.client, ctx.config.modelName, version, { by: 'shelfcast models promote' }));
      ctx.print(change, () => formatChange(change, 'Promoted'));
    });
  models
    .command('rollback')
    .description('move champion back to the version that was champion before (recorded in tags)')
    .action(async (_flags: unknown, cmd: Command) => {
      const ctx = contextFor(cmd);
      const change = await withTracker(ctx, (t) => rollbackChampion(t.client, ctx.config.modelName, { by: 'shelfcast models rollback' }));
      ctx.print(change, () => formatChange(change, 'Rolled back'));
    });
}
