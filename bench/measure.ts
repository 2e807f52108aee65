import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Wall time and peak resident memory of one command, measured by GNU time around the child process. */
export interface Measurement {
  command: string;
  seconds: number;
  /** User plus system CPU seconds of the child and its children: less sensitive than wall time to other load. */
  cpuSeconds: number;
  peakRssMb: number;
  /** The child's exit code (TIMED_OUT when it ran past its time limit; 128 + signal when a signal ended it). */
  exitCode: number;
  stdout: string;
  /** The child's stderr, without GNU time's own lines. */
  stderr: string;
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Return a failed run (non-zero exit) instead of throwing. */
  allowFailure?: boolean;
  /** Stop the child after this many seconds (coreutils `timeout`); the run then has exit code TIMED_OUT. */
  timeoutSeconds?: number;
}

/** Exit code of a run stopped by its time limit (coreutils `timeout`). */
export const TIMED_OUT = 124;

const GNU_TIME = '/usr/bin/time';
const MARK = '__measure__ ';

/** Runs `argv` to completion under GNU time; throws with the child's stderr if it fails, unless allowFailure. */
export function measure(argv: string[], options: MeasureOptions = {}): Measurement {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} not found: install the Debian package "time" (npm run bench does)`);
  // GNU time reports the peak RSS of the largest process it waited for, through `timeout`, which waits for the child.
  const command = options.timeoutSeconds === undefined ? argv : ['timeout', String(options.timeoutSeconds), ...argv];
  const res = spawnSync(GNU_TIME, ['-f', `${MARK}%x %e %M %U %S`, ...command], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = res.stderr.split('\n');
  const markAt = lines.findIndex((l) => l.startsWith(MARK));
  if (markAt < 0 || (res.status !== 0 && !options.allowFailure)) {
    throw new Error(`${argv.join(' ')} failed (exit ${res.status}):\n${res.stderr.slice(-4000)}`);
  }
  const [exit, secs, kb, user, system] = lines[markAt].slice(MARK.length).split(' ');
  // When a signal ends the child, GNU time prints "Command terminated by signal N" before its format line.
  const signalled = /^Command (terminated by signal|exited with non-zero status)/.test(lines[markAt - 1] ?? '');
  return {
    command: argv.join(' '),
    seconds: Number(secs),
    cpuSeconds: Number(user) + Number(system),
    peakRssMb: Number(kb) / 1024,
    exitCode: res.status ?? Number(exit),
    stdout: res.stdout,
    stderr: lines.slice(0, signalled ? markAt - 1 : markAt).join('\n'),
  };
}
