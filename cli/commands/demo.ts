import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { openLake } from '../../core/storage/open-lake.js';
import { runDemo, type DemoResult } from '../../pipelines/flows/demo.js';
import { DEFAULT_MAX_BATCH } from '../../serving/api/create-app.js';
import { formatIngestReport } from '../../pipelines/ingest/index.js';
import { formatProfile } from '../../pipelines/profile/index.js';
import { isScaleName, MAX_PLAN_HISTORY_DAYS, SCALE_NAMES } from '../../pipelines/synthetic/index.js';
import { LocalRunSource } from '../../serving/model/local-run-source.js';
import { ALIASES, trackRun } from '../../training/tracking/index.js';
import { contextFor, type CommandContext } from '../context.js';
import { parsePositiveInt, parseWholeNumber } from '../parse-flags.js';
import { formatSubmissionReport } from './predict.js';
import { announceExamples, formatServeSource, processSignals, runServe } from './serve.js';
import { registrySource, type ServeSourceChoice } from './serve-source.js';
import { formatTrackingOutcome } from './tracking-output.js';
import { collect, formatTrainResult, parameterOverrides } from './train.js';

interface DemoFlags {
  scale: string;
  seed: string;
  data: string;
  daily: string;
  planHistory: string;
  param: string[];
  maxRounds: string;
  runsDir?: string;
  track: boolean;
  serve: boolean;
  port: string;
}

/** What the demo printed, step by step. */
export function formatDemoResult(result: DemoResult, flags: Pick<DemoFlags, 'data' | 'seed'>): string {
  const g = result.generated;
  return [
    `Generated ${g.scale} data (seed ${flags.seed}) in ${flags.data}: ` +
      `${g.train.rows.toLocaleString('en-US')} train rows, ${g.train.firstDate}..${g.train.lastDate}, ${g.seconds.toFixed(1)} s`,
    '',
    formatIngestReport(result.ingested),
    '',
    formatProfile(result.profile),
    '',
    formatTrainResult(result.trained),
    '',
    ...(result.tracked ? [formatTrackingOutcome(result.tracked), ''] : []),
    formatSubmissionReport(result.submission),
    '',
    `Next: open ${result.trained.dir}/report.md for the backtest; \`shelfcast tune --trials 20\` searches better parameters;`,
    `\`shelfcast ingest --source ${flags.data}/daily\` loads the daily drops after the Kaggle period.`,
    ...(result.tracked?.status === 'published'
      ? [`In MLflow (${result.tracked.uiUrl}): experiment ${result.tracked.result.experimentName} compares runs; \`shelfcast models list\` shows the model's versions.`]
      : []),
  ].join('\n');
}

/** `shelfcast demo`: the main job end to end on embedded defaults. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('the main job on embedded defaults: generate data, ingest it, profile the lake, train, write a submission, then serve the champion over HTTP until Ctrl-C')
    .option('--scale <scale>', `synthetic data scale: ${SCALE_NAMES.join('|')}`, 'small')
    .option('--seed <n>', 'generator seed', '42')
    .option('--data <dir>', 'where the synthetic Kaggle files are written', './data/synthetic')
    .option('--daily <n>', 'daily drops written after the Kaggle period (for scoring later)', '16')
    .option('--plan-history <days>', 'days of past promotion plans to write and load (0: only the Kaggle files)', '400')
    .option('--param <name=value>', 'LightGBM parameter over the 1st-place defaults (repeatable)', collect, [])
    .option('--max-rounds <n>', 'most boosting rounds per horizon', '5000')
    .option('--runs-dir <dir>', 'where run directories go (env SHELFCAST_RUNS_DIR, default ./runs)')
    .option('--no-track', 'do not log the run to MLflow (MLFLOW_TRACKING_URI, else a local server)')
    .option('--no-serve', 'stop after training instead of serving the champion over HTTP')
    .option('--port <n>', 'port the forecast API listens on, on 127.0.0.1 (0: any free port)', '8080')
    .action(async (flags: DemoFlags, cmd: Command) => {
      if (!isScaleName(flags.scale)) throw new UsageError(`--scale ${flags.scale}: expected one of ${SCALE_NAMES.join(', ')}`);
      const seed = parseWholeNumber('--seed', flags.seed);
      const daily = parseWholeNumber('--daily', flags.daily);
      const planHistory = parseWholeNumber('--plan-history', flags.planHistory, MAX_PLAN_HISTORY_DAYS);
      const port = parseWholeNumber('--port', flags.port, 65_535);
      const ctx = contextFor(cmd);
      const training = {
        params: parameterOverrides({ param: flags.param }),
        maxRounds: parsePositiveInt('--max-rounds', flags.maxRounds),
        runsDir: flags.runsDir ?? ctx.config.runsDir,
      };
      const lake = openLake(ctx.config);
      let result: DemoResult;
      try {
        result = await runDemo(
          { scale: flags.scale, seed, dataDir: flags.data, daily, planHistory, training },
          {
            config: ctx.config,
            lake,
            logger: ctx.logger,
            progress: ctx.progress,
            track: flags.track ? (dir) => trackRun(dir, { config: ctx.config, lake, logger: ctx.logger }) : undefined,
          },
        );
        ctx.print(result, () => formatDemoResult(result, flags));
      } finally {
        lake.close();
      }
      if (flags.serve) await serveDemoModel(result, port, ctx);
    });
}

/**
 * The demo's last step: the forecast API on 127.0.0.1, serving `@champion` from the tracker the run was registered
 * in (the run directory just trained when tracking was off or failed), until Ctrl-C or SIGTERM.
 */
async function serveDemoModel(result: DemoResult, port: number, ctx: CommandContext): Promise<void> {
  const choice: ServeSourceChoice =
    result.tracked?.status === 'published'
      ? await registrySource({ name: ctx.config.modelName, alias: ALIASES.champion }, 'the model registry the demo published to', ctx)
      : { source: new LocalRunSource({ path: result.trained.dir, modelName: ctx.config.modelName }), reason: 'the run just trained; it is not in a registry' };
  if (!ctx.json) process.stderr.write(`${formatServeSource(choice)}\n`);
  const served = await runServe(
    { host: '127.0.0.1', port, pollSeconds: 60, maxBatch: DEFAULT_MAX_BATCH },
    { ...ctx, source: choice.source },
    { ...processSignals, announce: ctx.json ? undefined : (server) => (process.stdout.write('\n'), announceExamples(server)) },
  );
  if (!ctx.json) process.stdout.write(`Stopped serving at ${served.url} (${served.stoppedBy}).\n`);
}
