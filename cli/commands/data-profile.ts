import type { Command } from 'commander';
import { openLake } from '../../core/storage/open-lake.js';
import { formatProfile, profileLake } from '../../pipelines/profile/index.js';
import { contextFor } from '../context.js';

/** `shelfcast data profile [--json]`: what the lake holds. An empty lake is reported, not an error. */
export function registerProfileCommand(data: Command): void {
  data
    .command('profile')
    .description('what the lake holds: dates, rows per day, stores, items, promotions, returns, gaps, loaded files')
    .option('--json', 'machine-readable output on stdout')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = contextFor(cmd);
      const lake = openLake(ctx.config);
      try {
        const profile = await profileLake({ lake, cacheDir: ctx.config.cacheDir });
        ctx.print(profile, () => formatProfile(profile));
      } finally {
        lake.close();
      }
    });
}
