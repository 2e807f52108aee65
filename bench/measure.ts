import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Wall time and peak resident memory of one command, measured by GNU time around the child process. */
export interface Measurement {
  command: string;
  seconds: number;
  peakRssMb: number;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs `argv` to completion under GNU time; throws with the child's stderr if it fails. */
export function measure(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Measurement {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} not found: install the Debian package "time" (npm run bench does)`);
  const res = spawnSync(GNU_TIME, ['-f', '__measure__ %e %M', ...argv], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = res.stderr.split('\n').find((l) => l.startsWith('__measure__ '));
  if (res.status !== 0 || !line) {
    throw new Error(`${argv.join(' ')} failed (exit ${res.status}):\n${res.stderr.slice(-4000)}`);
  }
  const [, secs, kb] = line.split(' ');
  return { command: argv.join(' '), seconds: Number(secs), peakRssMb: Number(kb) / 1024, stdout: res.stdout };
}
