#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { exitCodeFor, ShelfcastError } from '../core/errors.js';
import { registerDataCommands } from './commands/data.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerModelsCommands } from './commands/models.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerFeaturesCommand } from './commands/features.js';
import { registerPredictCommand } from './commands/predict.js';
import { registerRunsCommands } from './commands/runs.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTrainCommand } from './commands/train.js';
import { registerTuneCommand } from './commands/tune.js';

/** Builds the `shelfcast` command tree; exported so tests can drive it in process. */
export function buildProgram(): Command {
  const program = new Command('shelfcast')
    .description('Sales forecasting for grocery retail: data, features, models, serving and monitoring')
    .option('--lake <dir|s3://bucket/prefix>', 'lake root (env SHELFCAST_LAKE, default ./lake)')
    .option('--json', 'machine-readable output on stdout')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env SHELFCAST_LOG_LEVEL)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDataCommands(program);
  registerIngestCommand(program);
  registerFeaturesCommand(program);
  registerTrainCommand(program);
  registerPredictCommand(program);
  registerTuneCommand(program);
  registerModelsCommands(program);
  registerRunsCommands(program);
  registerServeCommand(program);
  registerDemoCommand(program);
  return program;
}

/** Runs the CLI and owns the process exit code: 0 ok, 2 bad input or usage, 1 anything else. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version output end in a CommanderError with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    const message = err instanceof ShelfcastError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`shelfcast: ${message}\n`);
    return exitCodeFor(err);
  }
}
