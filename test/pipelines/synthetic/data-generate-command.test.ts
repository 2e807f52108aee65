import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGenerateFlags, registerGenerateCommand } from '../../../cli/commands/data-generate.js';
import { exitCodeFor, UsageError } from '../../../core/errors.js';
import { runCli } from '../../support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'shelfcast-generate-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The `data generate` command mounted on a bare program, as the CLI entry mounts it. */
function program(writeOut: (text: string) => void = (text) => process.stdout.write(text)): Command {
  const root = new Command('shelfcast').option('--json').option('--log-level <level>').exitOverride().configureOutput({ writeOut });
  registerGenerateCommand(root.command('data'));
  return root;
}

async function failureOf(args: string[]): Promise<unknown> {
  try {
    await program().parseAsync(['data', 'generate', ...args], { from: 'user' });
  } catch (err) {
    return err;
  }
  throw new Error(`expected ${args.join(' ')} to fail`);
}

describe('parseGenerateFlags', () => {
  it('fills defaults and converts numbers', () => {
    expect(parseGenerateFlags({ scale: 'tiny', out: 'x' })).toEqual({ scale: 'tiny', seed: 42, outDir: 'x', daily: 0, planHistory: 0, format: 'csv' });
    expect(parseGenerateFlags({ scale: 'full', out: 'x', seed: '4294967295', daily: '16', planHistory: '400', format: 'csv.gz' })).toEqual({
      scale: 'full',
      seed: 4294967295,
      outDir: 'x',
      daily: 16,
      planHistory: 400,
      format: 'csv.gz',
    });
    expect(() => parseGenerateFlags({ scale: 'tiny', out: 'x', planHistory: '800' })).toThrow(/--plan-history "800" is not valid: expected a whole number from 0 to 731/);
  });

  it('names the flag and the accepted values in every usage error', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ out: 'x' }, /--scale is required: one of tiny, small, medium, full/],
      [{ scale: 'huge', out: 'x' }, /--scale "huge" is not a scale: expected one of tiny, small, medium, full/],
      [{ scale: 'tiny' }, /--out DIR is required/],
      [{ scale: 'tiny', out: 'x', seed: '-3' }, /--seed "-3" is not valid: expected a whole number from 0 to 4294967295/],
      [{ scale: 'tiny', out: 'x', seed: '1e3' }, /--seed "1e3"/],
      [{ scale: 'tiny', out: 'x', seed: '4294967296' }, /--seed "4294967296"/],
      [{ scale: 'tiny', out: 'x', daily: 'two' }, /--daily "two" is not valid: expected a whole number from 0 to 366/],
      [{ scale: 'tiny', out: 'x', daily: '367' }, /--daily "367"/],
      [{ scale: 'tiny', out: 'x', format: 'parquet' }, /--format "parquet" is not supported: expected csv or csv.gz/],
    ];
    for (const [flags, message] of cases) {
      expect(() => parseGenerateFlags(flags)).toThrow(UsageError);
      expect(() => parseGenerateFlags(flags)).toThrow(message);
    }
  });
});

describe('shelfcast data generate', () => {
  it('turns bad flags into a UsageError, which the CLI maps to exit code 2, before writing anything', async () => {
    const out = join(scratch, 'untouched');
    const err = await failureOf(['--scale', 'giant', '--out', out]);
    expect(err).toBeInstanceOf(UsageError);
    expect(exitCodeFor(err)).toBe(2);
    expect(() => readdirSync(out)).toThrow();
    expect(exitCodeFor(await failureOf(['--scale', 'tiny', '--out', out, '--seed', 'abc']))).toBe(2);
  });

  it('documents every option, the scales and examples in --help', async () => {
    let help = '';
    const root = program((text) => (help += text));
    const err = await root.parseAsync(['data', 'generate', '--help'], { from: 'user' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 0, code: 'commander.helpDisplayed' });
    for (const flag of ['--scale <name>', '--seed <n>', '--out <dir>', '--daily <n>', '--format <format>']) expect(help).toContain(flag);
    expect(help).toMatch(/tiny\s+4 stores/);
    expect(help).toMatch(/full\s+54 stores/);
    expect(help).toContain('shelfcast data generate --scale tiny');
  });

  it('exits 2 with a message on bad input, through the real CLI', async () => {
    const { code, stderr, stdout } = await runCli(['data', 'generate', '--scale', 'huge', '--out', join(scratch, 'never')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--scale "huge" is not a scale: expected one of tiny, small, medium, full');
    expect(stdout).toBe('');
  }, 60_000);

  it('generates and prints a JSON summary of files, rows and seconds with --json', async () => {
    const out = join(scratch, 'json');
    const { code, stdout } = await runCli(['--json', '--log-level', 'silent', 'data', 'generate', '--scale', 'tiny', '--seed', '9', '--out', out, '--daily', '2']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { files: Array<{ file: string; rows: number; bytes: number }>; seconds: number; train: { rows: number } };
    expect(summary.files.map((f) => f.file).sort()).toEqual(readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.csv')).sort());
    expect(summary.files.find((f) => f.file === 'train.csv')?.rows).toBe(summary.train.rows);
    expect(summary.train.rows).toBeGreaterThan(10_000);
    expect(summary.seconds).toBeGreaterThan(0);
  }, 60_000);

  it('prints a human summary without --json', async () => {
    const { code, stdout } = await runCli(['--log-level', 'silent', 'data', 'generate', '--scale', 'tiny', '--out', join(scratch, 'human')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Generated the tiny dataset \(seed 42\)/);
    expect(stdout).toMatch(/train\.csv\s+[\d,]+ rows/);
    expect(stdout).toMatch(/7 files, [\d,]+ rows in \d+\.\d s/);
  }, 60_000);
});
