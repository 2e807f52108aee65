import type { Command } from 'commander';
import { loadConfig, type Config } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { progressFactory, type ProgressFactory } from '../core/progress.js';

/** Options every command accepts (DESIGN.md, CLI surface: Common). */
export interface GlobalOptions {
  lake?: string;
  json?: boolean;
  logLevel?: string;
}

/** What a command handler gets: parsed configuration, a logger, progress, and output helpers. */
export interface CommandContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly progress: ProgressFactory;
  readonly json: boolean;
  /** Prints a result: JSON on `--json`, else the human text. */
  print(result: unknown, human: () => string): void;
}

/** Builds the context once per invocation from global options and the environment. */
export function contextFor(cmd: Command, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const overrides: NodeJS.ProcessEnv = { ...env };
  if (opts.lake) overrides.SHELFCAST_LAKE = opts.lake;
  if (opts.logLevel) overrides.SHELFCAST_LOG_LEVEL = opts.logLevel;
  const config = loadConfig(overrides);
  const logger = createLogger(config.logLevel);
  const json = Boolean(opts.json);
  return {
    config,
    logger,
    progress: progressFactory(logger),
    json,
    print(result, human) {
      process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${human()}\n`);
    },
  };
}
