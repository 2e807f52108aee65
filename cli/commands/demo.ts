import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { openLake } from '../../core/storage/open-lake.js';
import { runDemo } from '../../pipelines/flows/demo.js';
import { formatIngestReport } from '../../pipelines/ingest/index.js';
import { formatProfile } from '../../pipelines/profile/index.js';
import { isScaleName, SCALE_NAMES } from '../../pipelines/synthetic/index.js';
import { contextFor } from '../context.js';
import { parseWholeNumber } from '../parse-flags.js';

interface DemoFlags {
  scale: string;
  seed: string;
  data: string;
  daily: string;
}

/** `shelfcast demo`: the main job end to end on embedded defaults. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job on embedded defaults: generate synthetic data, ingest it into the lake, profile it')
    .option('--scale <scale>', `synthetic data scale: ${SCALE_NAMES.join('|')}`, 'small')
    .option('--seed <n>', 'generator seed', '42')
    .option('--data <dir>', 'where the synthetic Kaggle files are written', './data/synthetic')
    .option('--daily <n>', 'daily drops written after the Kaggle period (for scoring later)', '16')
    .action(async (flags: DemoFlags, cmd: Command) => {
      if (!isScaleName(flags.scale)) throw new UsageError(`--scale ${flags.scale}: expected one of ${SCALE_NAMES.join(', ')}`);
      const seed = parseWholeNumber('--seed', flags.seed);
      const daily = parseWholeNumber('--daily', flags.daily);
      const ctx = contextFor(cmd);
      const lake = openLake(ctx.config);
      try {
        const result = await runDemo(
          { scale: flags.scale, seed, dataDir: flags.data, daily },
          { config: ctx.config, lake, logger: ctx.logger, progress: ctx.progress },
        );
        ctx.print(result, () =>
          [
            `Generated ${result.generated.scale} data (seed ${seed}) in ${flags.data}: ` +
              `${result.generated.train.rows.toLocaleString('en-US')} train rows, ` +
              `${result.generated.train.firstDate}..${result.generated.train.lastDate}, ${result.generated.seconds.toFixed(1)} s`,
            '',
            formatIngestReport(result.ingested),
            '',
            formatProfile(result.profile),
            '',
            'Next: `shelfcast data profile` shows the lake again; `shelfcast ingest --source DIR` loads more files',
            `(daily drops are in ${flags.data}/daily).`,
          ].join('\n'),
        );
      } finally {
        lake.close();
      }
    });
}
