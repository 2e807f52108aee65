import type { Command } from 'commander';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import { openLake } from '../../core/storage/open-lake.js';
import { DuckDbPredictionStore } from '../../monitoring/duckdb-prediction-store.js';
import { DEFAULT_MAX_BATCH } from '../../serving/api/create-app.js';
import { startServer, type RunningServer } from '../../serving/api/start-server.js';
import type { ModelSource } from '../../serving/model/model-source.js';
import { contextFor } from '../context.js';
import { parsePositiveInt, parseWholeNumber } from '../parse-flags.js';
import { formatServeExamples } from './serve-examples.js';
import { chooseServeSource, type ServeSourceChoice } from './serve-source.js';

export interface ServeCommandOptions {
  readonly host: string;
  readonly port: number;
  /** 0 turns polling off. */
  readonly pollSeconds: number;
  readonly maxBatch: number;
}

/** What a serve session did, reported when it stops. */
export interface ServeResult {
  readonly url: string;
  readonly stoppedBy: string;
  readonly version?: string;
  readonly origin?: string;
}

/** How the command waits to be stopped, and what it says once ready; tests hand in their own. */
export interface ServeEffects {
  untilStopped(): Promise<string>;
  /** Called once the first version is loaded and forecasts are answered. */
  announce?(server: RunningServer): void;
}

/** Resolves with the name of the first SIGTERM or SIGINT. */
export const processSignals: ServeEffects = {
  untilStopped: () =>
    new Promise((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve(signal);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    }),
};

/**
 * Serves forecasts from a model source until stopped, then shuts down gracefully (requests in flight finish, the
 * prediction log is written out). A first load that fails (no champion yet, a damaged run) stops the server and
 * rethrows; later failures are logged and the loaded version keeps serving.
 */
export async function runServe(
  options: ServeCommandOptions,
  deps: { config: Config; logger: Logger; source: ModelSource },
  effects: ServeEffects = processSignals,
): Promise<ServeResult> {
  const { config, logger } = deps;
  const stopped = effects.untilStopped();
  const lake = openLake(config);
  const predictionStore = await DuckDbPredictionStore.open(config.monitoringDb);
  let server: RunningServer;
  try {
    server = await startServer(
      { host: options.host, port: options.port, pollIntervalMs: options.pollSeconds * 1000, maxBatch: options.maxBatch },
      {
        source: deps.source,
        lake,
        lakeConfig: config,
        cacheDir: config.cacheDir,
        predictionStore,
        logger,
        adminToken: config.adminToken,
        processMetrics: true,
      },
    );
  } catch (err) {
    await predictionStore.close();
    lake.close();
    throw err;
  }
  try {
    const first = await Promise.race([server.ready.then(() => undefined), stopped]);
    if (first === undefined) effects.announce?.(server);
    const stoppedBy = first ?? (await stopped);
    const state = server.holder.current;
    return { url: server.url, stoppedBy, version: state?.model.version, origin: state?.origin };
  } finally {
    await server.close();
    lake.close();
  }
}

interface ServeFlags {
  host: string;
  port: string;
  run?: string;
  modelUri?: string;
  pollSeconds: string;
  maxBatch: string;
}

/** What serving prints to stderr when it starts: the model source and why it was chosen. */
export function formatServeSource(choice: ServeSourceChoice): string {
  return `Model source: ${choice.source.description} (${choice.reason})`;
}

/** `shelfcast serve [--port N] [--host H] [--run DIR | --model-uri URI] [--poll-seconds N] [--max-batch N]`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve forecasts over HTTP (OpenAPI at /openapi.json, Prometheus at /metrics) until SIGTERM or SIGINT')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--run <dir>', 'serve a run directory, or the newest complete run of a directory of runs (default without MLflow: SHELFCAST_RUNS_DIR)')
    .option('--model-uri <uri>', 'serve from the MLflow registry: models:/NAME@ALIAS or models:/NAME/VERSION (default with MLflow: models:/SHELFCAST_MODEL_NAME@champion)')
    .option('--poll-seconds <n>', 'check the source and the lake for a new version or origin this often (0: never)', '60')
    .option('--max-batch <n>', 'most queries in one POST /v1/forecast', String(DEFAULT_MAX_BATCH))
    .action(async (flags: ServeFlags, cmd: Command) => {
      const ctx = contextFor(cmd);
      const options: ServeCommandOptions = {
        host: flags.host,
        port: parseWholeNumber('--port', flags.port, 65_535),
        pollSeconds: parseWholeNumber('--poll-seconds', flags.pollSeconds, 86_400),
        maxBatch: parsePositiveInt('--max-batch', flags.maxBatch, 1_000_000),
      };
      const choice = await chooseServeSource({ run: flags.run, modelUri: flags.modelUri }, ctx);
      if (!ctx.json) process.stderr.write(`${formatServeSource(choice)}\n`);
      const result = await runServe(options, { ...ctx, source: choice.source }, { ...processSignals, announce: ctx.json ? undefined : announceExamples });
      ctx.print(result, () => `Stopped serving at ${result.url} (${result.stoppedBy})${result.version ? `: version ${result.version}, origin ${result.origin}` : ''}`);
    });
}

/** Prints example calls against a server that just became ready. */
export function announceExamples(server: RunningServer): void {
  const state = server.holder.current;
  if (state) process.stdout.write(`${formatServeExamples(server.url, state)}\n`);
}
