#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { exitCodeFor, ShelfcastError } from '../core/errors.js';

/** Adds one top-level command (and its subcommands) to the program. */
type Register = (program: Command) => void;

/**
 * The top-level commands and where each is defined. A command module pulls in its whole implementation (DuckDB,
 * the AWS SDK, express, onnxruntime …), so a run loads only the module of the command it runs: that alone took
 * `features` from 1.2 s to under half a second of start-up.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  data: async () => (await import('./commands/data.js')).registerDataCommands,
  ingest: async () => (await import('./commands/ingest.js')).registerIngestCommand,
  features: async () => (await import('./commands/features.js')).registerFeaturesCommand,
  train: async () => (await import('./commands/train.js')).registerTrainCommand,
  predict: async () => (await import('./commands/predict.js')).registerPredictCommand,
  tune: async () => (await import('./commands/tune.js')).registerTuneCommand,
  models: async () => (await import('./commands/models.js')).registerModelsCommands,
  runs: async () => (await import('./commands/runs.js')).registerRunsCommands,
  serve: async () => (await import('./commands/serve.js')).registerServeCommand,
  demo: async () => (await import('./commands/demo.js')).registerDemoCommand,
};

/** Global options that take a value, so that the value is not mistaken for a command name. */
const VALUED_GLOBAL_OPTIONS = new Set(['--lake', '--log-level']);

/**
 * Builds the `shelfcast` command tree with the commands named in `only` (by default all of them, which help and
 * unknown commands need); exported so tests can drive it in process.
 */
export async function buildProgram(only: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const program = new Command('shelfcast')
    .description('Sales forecasting for grocery retail: data, features, models, serving and monitoring')
    .option('--lake <dir|s3://bucket/prefix>', 'lake root (env SHELFCAST_LAKE, default ./lake)')
    .option('--json', 'machine-readable output on stdout')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env SHELFCAST_LOG_LEVEL)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const registers = await Promise.all(only.map((name) => COMMANDS[name]()));
  for (const register of registers) register(program);
  return program;
}

/** The top-level command an argument list runs, when it names one before any help flag. */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return undefined;
    if (VALUED_GLOBAL_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return Object.hasOwn(COMMANDS, arg) ? arg : undefined;
  }
  return undefined;
}

/** Runs the CLI and owns the process exit code: 0 ok, 2 bad input or usage, 1 anything else. */
export async function main(argv: string[]): Promise<number> {
  try {
    const command = commandNamed(argv);
    const program = await buildProgram(command === undefined ? undefined : [command]);
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
