import type { Command } from 'commander';
import { openLake } from '../../core/storage/open-lake.js';
import { formatIngestReport, ingest } from '../../pipelines/ingest/index.js';
import { contextFor } from '../context.js';

/**
 * `shelfcast ingest --source DIR|s3://bucket/prefix [--replace]`: validates Kaggle-schema files and loads them
 * into the lake (raw copies, staged Parquet per date, ledger).
 */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('validate Kaggle-schema files (CSV, gzip CSV, Parquet) and load them into the lake, incrementally')
    .requiredOption('--source <dir|s3://bucket/prefix>', 'where the delivered files are')
    .option('--replace', 'load a corrected file for dates that are already loaded with other rows')
    .action(async (opts: { source: string; replace?: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const lake = openLake(ctx.config);
      try {
        const report = await ingest(
          { source: opts.source, replace: opts.replace },
          { config: ctx.config, lake, logger: ctx.logger, progress: ctx.progress },
        );
        ctx.print(report, () => formatIngestReport(report));
      } finally {
        lake.close();
      }
    });
}
