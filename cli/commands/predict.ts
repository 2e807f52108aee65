import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { openLake } from '../../core/storage/open-lake.js';
import { predictSubmission, type SubmissionReport } from '../../serving/submission/predict-submission.js';
import { contextFor } from '../context.js';

interface PredictFlags {
  run?: string;
  test?: string;
  out?: string;
  origin?: string;
}

/** Human-readable summary of a submission. */
export function formatSubmissionReport(r: SubmissionReport): string {
  return [
    `Wrote ${r.out}: ${r.rows.toLocaleString('en-US')} forecasts (id,unit_sales) from origin ${r.origin} with run ${r.runId} in ${r.seconds.toFixed(1)} s`,
    `  ${r.pairs.toLocaleString('en-US')} store×item pairs, ${r.pairsWithHistory.toLocaleString('en-US')} with sales history; ` +
      `${r.coldStartRows.toLocaleString('en-US')} rows without history forecast 0`,
  ].join('\n');
}

/** `shelfcast predict --run DIR --test FILE --out submission.csv [--origin YYYY-MM-DD]`. */
export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description('a Kaggle submission (id,unit_sales) for every row of a test file, from a trained run and the lake')
    .option('--run <dir>', 'run directory written by `shelfcast train`')
    .option('--test <file>', 'Kaggle test file (CSV, CSV.gz or Parquet): rows to forecast and the promotion plan')
    .option('--out <file.csv>', 'submission file to write')
    .option('--origin <YYYY-MM-DD>', 'first forecast day (default: the first date of the test file)')
    .action(async (flags: PredictFlags, cmd: Command) => {
      for (const flag of ['run', 'test', 'out'] as const) {
        if (flags[flag] === undefined) throw new UsageError(`--${flag} is required (see shelfcast predict --help)`);
      }
      const ctx = contextFor(cmd);
      const lake = openLake(ctx.config);
      try {
        const report = await predictSubmission(
          { runDir: resolve(flags.run!), testFile: resolve(flags.test!), out: resolve(flags.out!), origin: flags.origin },
          { lake, cacheDir: ctx.config.cacheDir, logger: ctx.logger },
        );
        ctx.print(report, () => formatSubmissionReport(report));
      } finally {
        lake.close();
      }
    });
}
