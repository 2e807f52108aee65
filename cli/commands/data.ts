import type { Command } from 'commander';
import { registerGenerateCommand } from './data-generate.js';
import { registerProfileCommand } from './data-profile.js';

/** `shelfcast data …`: synthetic data and what the lake holds. */
export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('synthetic Kaggle-schema data and lake profiles');
  registerGenerateCommand(data);
  registerProfileCommand(data);
}
