import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import {
  generateDataset,
  MAX_DAILY_DAYS,
  MAX_PLAN_HISTORY_DAYS,
  OUTPUT_FORMATS,
  SCALE_NAMES,
  isScaleName,
  type GenerateOptions,
  type GenerateSummary,
  type OutputFormat,
} from '../../pipelines/synthetic/index.js';
import { contextFor } from '../context.js';
import { parseWholeNumber } from '../parse-flags.js';

/** The flags of `data generate` as commander hands them over (strings, possibly missing). */
export interface GenerateFlags {
  scale?: string;
  seed?: string;
  out?: string;
  daily?: string;
  planHistory?: string;
  format?: string;
}

/** Turns the command-line flags into generator options; a UsageError names the flag and what it accepts. */
export function parseGenerateFlags(flags: GenerateFlags): GenerateOptions {
  if (flags.scale === undefined) throw new UsageError(`--scale is required: one of ${SCALE_NAMES.join(', ')}`);
  if (!isScaleName(flags.scale)) {
    throw new UsageError(`--scale ${JSON.stringify(flags.scale)} is not a scale: expected one of ${SCALE_NAMES.join(', ')}`);
  }
  if (!flags.out) throw new UsageError('--out DIR is required: the directory to write the files into');
  const seed = parseWholeNumber('--seed', flags.seed ?? '42', 0xffffffff);
  const daily = parseWholeNumber('--daily', flags.daily ?? '0', MAX_DAILY_DAYS);
  const planHistory = parseWholeNumber('--plan-history', flags.planHistory ?? '0', MAX_PLAN_HISTORY_DAYS);
  const format = flags.format ?? 'csv';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format ${JSON.stringify(format)} is not supported: expected csv or csv.gz`);
  }
  return { scale: flags.scale, seed, outDir: flags.out, daily, planHistory, format: format as OutputFormat };
}


/** Human-readable summary: one line per file, then the totals. */
export function formatGenerateSummary(summary: GenerateSummary): string {
  const width = Math.max(...summary.files.map((f) => f.file.length));
  const lines = summary.files.map(
    (f) => `  ${f.file.padEnd(width)}  ${f.rows.toLocaleString('en-US').padStart(12)} rows  ${formatBytes(f.bytes).padStart(9)}`,
  );
  const rows = summary.files.reduce((sum, f) => sum + f.rows, 0);
  return [
    `Generated the ${summary.scale} dataset (seed ${summary.seed}) in ${summary.outDir}:`,
    ...lines,
    `train ${summary.train.firstDate} … ${summary.train.lastDate}, test ${summary.test.firstDate} … ${summary.test.lastDate}`,
    `${summary.files.length} files, ${rows.toLocaleString('en-US')} rows in ${summary.seconds.toFixed(1)} s`,
  ].join('\n');
}

function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} kB`;
  return `${bytes} B`;
}

/** Registers `shelfcast data generate`. */
export function registerGenerateCommand(data: Command): void {
  data
    .command('generate')
    .description('write a synthetic dataset in the Kaggle Favorita schema (train, test, items, stores, oil, holidays_events, transactions)')
    .option('--scale <name>', `dataset size: ${SCALE_NAMES.join('|')}`)
    .option('--seed <n>', 'random seed, 0 to 4294967295; the same seed gives byte-identical files', '42')
    .option('--out <dir>', 'output directory (created if missing)')
    .option('--daily <n>', `also write daily/train_YYYY-MM-DD files for the n days after the last train day (0 to ${MAX_DAILY_DAYS})`, '0')
    .option(
      '--plan-history <days>',
      `also write test_plan_history: the promotion plan of the last n train days, every promoted cell, sold or not (0 to ${MAX_PLAN_HISTORY_DAYS})`,
      '0',
    )
    .option('--format <format>', 'csv or csv.gz (gzip-compressed files)', 'csv')
    .addHelpText(
      'after',
      [
        '',
        'Scales (train period ends 2017-08-15):',
        '  tiny    4 stores,   60 items, from 2016-06-01   (~50k train rows, about a second)',
        '  small  10 stores,  300 items, from 2015-06-01   (~1M rows, a few seconds)',
        '  medium 54 stores, 1000 items, from 2015-01-01   (~20M rows, 0.8 GB)',
        '  full   54 stores, 4300 items, from 2013-01-01   (~130M rows, 5 GB, streamed to disk)',
        '',
        'Examples:',
        '  shelfcast data generate --scale tiny --seed 7 --out data/tiny',
        '  shelfcast data generate --scale small --out data/small --daily 16 --format csv.gz',
        '  shelfcast --json data generate --scale full --out /mnt/big/favorita',
      ].join('\n'),
    )
    .action(async (flags: GenerateFlags, cmd: Command) => {
      const options = parseGenerateFlags(flags);
      const ctx = contextFor(cmd);
      const summary = await generateDataset(options, { progress: ctx.progress, logger: ctx.logger });
      ctx.print(summary, () => formatGenerateSummary(summary));
    });
}
