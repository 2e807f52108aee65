import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { openLake } from '../../core/storage/open-lake.js';
import { DEFAULT_TUNING_HORIZONS, tuneRun, type TuneRunResult } from '../../training/tune-run.js';
import { contextFor } from '../context.js';
import { parsePositiveInt, parseWholeNumber } from '../parse-flags.js';
import { addTrainingOptions, parameterOverrides } from './train.js';

interface TuneFlags {
  trials?: string;
  seed: string;
  horizons: string;
  param: string[];
  params?: string;
  maxRounds: string;
  earlyStopping: string;
  trainingOrigins: string;
  threads?: string;
  runsDir?: string;
}

/** Human-readable summary of a search. */
export function formatTuneResult(r: TuneRunResult): string {
  const b = r.best;
  const searched = Object.entries(b.params)
    .filter(([name]) => r.trials[0].params[name] !== undefined)
    .map(([name, v]) => `${name}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`)
    .join(' ');
  return [
    `Tried ${r.trials.length} parameter sets on horizons ${b.horizons.join(', ')} (validation origin ${b.validationOrigin})`,
    ...r.trials.map((t) => `  #${String(t.trial).padStart(2)} ${t.sampler.padEnd(7)} NWRMSLE ${Number.isFinite(t.score) ? t.score.toFixed(4) : 'failed'} (${t.seconds.toFixed(0)} s)`),
    `Best: trial ${b.trial}, NWRMSLE ${b.score.toFixed(4)} (1st-place defaults ${b.defaultScore.toFixed(4)}, 14-day-mean baseline ${b.baselineScore.toFixed(4)})`,
    `  ${searched}`,
    `Search written to ${r.dir} (trials.jsonl, best.json). Train with it: shelfcast train --params ${r.dir}/best.json`,
  ].join('\n');
}

/** `shelfcast tune --trials N`: sequential TPE search over the LightGBM parameters. */
export function registerTuneCommand(program: Command): void {
  const command = program
    .command('tune')
    .description('search LightGBM parameters (TPE, the 1st-place defaults first), scoring each trial on the validation origin')
    .option('--trials <n>', 'parameter sets to try (required)')
    .option('--seed <n>', 'search seed', '1')
    .option('--horizons <list>', 'horizons trained per trial, comma-separated', DEFAULT_TUNING_HORIZONS.join(','));
  addTrainingOptions(command, 'where the search directory goes').action(async (flags: TuneFlags, cmd: Command) => {
    if (flags.trials === undefined) throw new UsageError('--trials N is required: how many parameter sets to try');
    const horizons = flags.horizons.split(',').map((h) => parseWholeNumber('--horizons', h.trim(), 15));
    const ctx = contextFor(cmd);
    const lake = openLake(ctx.config);
    try {
      const result = await tuneRun(
        {
          trials: parsePositiveInt('--trials', flags.trials, 1000),
          seed: parseWholeNumber('--seed', flags.seed, 0xffffffff),
          horizons,
          params: parameterOverrides(flags),
          maxRounds: parsePositiveInt('--max-rounds', flags.maxRounds),
          earlyStoppingRounds: parsePositiveInt('--early-stopping', flags.earlyStopping),
          trainingOrigins: parsePositiveInt('--training-origins', flags.trainingOrigins, 52),
          runsDir: flags.runsDir ?? ctx.config.runsDir,
        },
        { lake, cacheDir: ctx.config.cacheDir, logger: ctx.logger, progress: ctx.progress },
      );
      ctx.print(result, () => formatTuneResult(result));
    } finally {
      lake.close();
    }
  });
}
