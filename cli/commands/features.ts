import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Lake } from '../../core/storage/lake.js';
import { openLake } from '../../core/storage/open-lake.js';
import {
  buildFeatures,
  featureFileFormat,
  isIsoDate,
  LABEL_NAMES,
  stagingTablesFromLake,
  writeFeatures,
  type FeatureFileFormat,
} from '../../pipelines/features/index.js';
import { contextFor } from '../context.js';

/** The flags of `features` as commander hands them over. */
export interface FeaturesFlags {
  origin?: string;
  labels?: boolean;
  out?: string;
}

/** What `features` did. */
export interface FeaturesResult {
  readonly origin: string;
  readonly lastObservedDay: string;
  readonly rows: number;
  /** Columns of the table: store_nbr, item_nbr, the features, and labels and weight with `--labels`. */
  readonly columns: number;
  readonly features: number;
  readonly labels: boolean;
  /** The file written, when `--out` was given; otherwise the table was built in memory only. */
  readonly out?: { readonly path: string; readonly format: FeatureFileFormat };
  readonly seconds: number;
}

/** What `runFeatures` needs besides its flags. */
export interface FeaturesDeps {
  readonly lake: Lake;
  readonly cacheDir: string;
  readonly logger?: Logger;
}

/**
 * Builds the feature table at one origin from the lake's staged data: into a Parquet or CSV file with `out`,
 * otherwise in memory (a check that the origin can be built, and how long it takes).
 *
 * @example await runFeatures({ origin: '2017-07-26', labels: true, out: 'train.parquet' }, { lake, cacheDir })
 */
export async function runFeatures(flags: FeaturesFlags, deps: FeaturesDeps): Promise<FeaturesResult> {
  const origin = flags.origin;
  if (origin === undefined) throw new UsageError('--origin YYYY-MM-DD is required: the first forecast day');
  if (!isIsoDate(origin)) throw new UsageError(`--origin ${JSON.stringify(origin)} is not a date: expected YYYY-MM-DD, e.g. 2017-08-16`);
  const out = flags.out === undefined ? undefined : resolve(flags.out);
  if (out !== undefined) {
    featureFileFormat(out);
    const dir = dirname(out);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out ${flags.out}: directory ${dir} does not exist`);
  }
  const started = performance.now();
  const tables = await stagingTablesFromLake(deps.lake, origin);
  const params = { origin, labels: Boolean(flags.labels) };
  const featureDeps = { cacheDir: deps.cacheDir, logger: deps.logger };
  const extra = params.labels ? LABEL_NAMES.length + 1 : 0;
  if (out !== undefined) {
    const file = await writeFeatures(tables, params, out, featureDeps);
    return {
      origin,
      lastObservedDay: file.lastObservedDay,
      rows: file.rows,
      columns: file.columns,
      features: file.columns - 2 - extra,
      labels: params.labels,
      out: { path: file.path, format: file.format },
      seconds: secondsSince(started),
    };
  }
  const table = await buildFeatures(tables, params, featureDeps);
  return {
    origin,
    lastObservedDay: table.lastObservedDay,
    rows: table.rows,
    columns: 2 + table.featureNames.length + extra,
    features: table.featureNames.length,
    labels: params.labels,
    seconds: secondsSince(started),
  };
}

/** Human-readable summary of a `features` run. */
export function formatFeaturesResult(r: FeaturesResult): string {
  const where = r.out ? `written to ${r.out.path} (${r.out.format})` : 'built in memory (pass --out FILE.parquet|.csv to keep it)';
  return [
    `Features at origin ${r.origin} (last observed day ${r.lastObservedDay}): ${where}`,
    `${r.rows.toLocaleString('en-US')} rows × ${r.columns} columns (${r.features} features${r.labels ? ', 16 labels, weight' : ''}) in ${r.seconds.toFixed(1)} s`,
  ].join('\n');
}

/** `shelfcast features --origin YYYY-MM-DD [--labels] [--out FILE.parquet|.csv]`. */
export function registerFeaturesCommand(program: Command): void {
  program
    .command('features')
    .description('the feature table at one origin (one row per store×item pair), from the staged data in the lake')
    .option('--origin <YYYY-MM-DD>', 'the first forecast day t; features use days before t and the promotion plan')
    .option('--labels', 'add labels y_0 … y_15 (sales of t … t+15) and the weight; needs sales up to t+15')
    .option('--out <file.parquet|file.csv>', 'write the table to this file')
    .action(async (flags: FeaturesFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const lake = openLake(ctx.config);
      try {
        const result = await runFeatures(flags, { lake, cacheDir: ctx.config.cacheDir, logger: ctx.logger });
        ctx.print(result, () => formatFeaturesResult(result));
      } finally {
        lake.close();
      }
    });
}

function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}
