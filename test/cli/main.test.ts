import { describe, expect, it } from 'vitest';
import { buildProgram, commandNamed } from '../../cli/main.js';
import { runCli } from '../support/run-cli.js';

describe('commandNamed', () => {
  it('finds the command after global options, skipping their values', () => {
    expect(commandNamed(['features', '--origin', '2017-08-16'])).toBe('features');
    expect(commandNamed(['--json', '--lake', 'serve', '--log-level', 'info', 'train'])).toBe('train');
    expect(commandNamed(['--lake=lake', 'data', 'generate'])).toBe('data');
  });

  it('names no command for top-level help, no arguments and unknown commands, so all get loaded', () => {
    expect(commandNamed([])).toBeUndefined();
    expect(commandNamed(['--help'])).toBeUndefined();
    expect(commandNamed(['-h', 'train'])).toBeUndefined();
    expect(commandNamed(['--json', 'trian'])).toBeUndefined();
  });
});

describe('buildProgram', () => {
  it('registers every command by default and only the named ones when asked', async () => {
    const all = await buildProgram();
    expect(all.commands.map((c) => c.name()).sort()).toEqual(['data', 'demo', 'features', 'ingest', 'models', 'predict', 'runs', 'serve', 'train', 'tune']);
    const one = await buildProgram(['features']);
    expect(one.commands.map((c) => c.name())).toEqual(['features']);
  });
});

describe('the CLI', () => {
  it('lists every command in its help and suggests the right one for a typo', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['data', 'ingest', 'features', 'train', 'predict', 'tune', 'models', 'runs', 'serve', 'demo']) expect(help.stdout).toContain(name);
    const typo = await runCli(['--lake', 'lake', 'feaures']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown command 'feaures'.*\n.*features/s);
  });
});
