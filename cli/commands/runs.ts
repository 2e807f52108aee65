import type { Command } from 'commander';
import { openLake } from '../../core/storage/open-lake.js';
import { readRunBundle, RUN_FILES } from '../../training/bundle/index.js';
import { publishToTracker } from '../../training/tracking/index.js';
import { contextFor, type GlobalOptions } from '../context.js';
import { formatPublished, formatTracker } from './tracking-output.js';

/**
 * `shelfcast runs publish DIR`: logs a run directory that training could not log (the tracker was away), or
 * logs it to another tracker. Publishing the same directory again finds what was logged and adds nothing.
 */
export function registerRunsCommands(program: Command): void {
  const runs = program.command('runs').description('run directories written by `shelfcast train`');
  runs
    .command('publish')
    .argument('<dir>', 'a run directory')
    .description('log a run directory to MLflow, register it and run the promotion gate (idempotent)')
    .action(async (dir: string, _flags: unknown, cmd: Command) => {
      const ctx = contextFor(cmd);
      const bundle = await readRunBundle(dir);
      // The gate may rescore the champion on this run's window, which lives in the lake the run was trained on.
      const lake = openLake(ctx.config, cmd.optsWithGlobals<GlobalOptions>().lake ?? bundle.manifest.lake);
      try {
        const published = await publishToTracker(dir, { config: ctx.config, lake, logger: ctx.logger });
        const { result } = published;
        ctx.print(published, () =>
          [
            `${result.published ? 'Published' : 'Already published'} run ${result.shelfcastRunId} to ${formatTracker(published.uiUrl, published.embedded)}`,
            ...formatPublished(result, published.runUrl, published.versionUrl),
            // Runs trained before the bundle carried a reference sample still publish; drift monitoring cannot use them.
            ...(RUN_FILES.referenceSample in bundle.manifest.files
              ? []
              : [`  note: the run directory has no ${RUN_FILES.referenceSample} (trained before runs carried one): drift monitoring has no reference for this version`]),
          ].join('\n'),
        );
      } finally {
        lake.close();
      }
    });
}
