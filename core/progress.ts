import type { Logger } from './logger.js';

/** Progress of one long task: a live line on a TTY, a structured log line every few seconds otherwise. */
export interface Progress {
  /** Adds `n` units of work done. */
  tick(n: number): void;
  /** Ends the task and reports the total. */
  done(): void;
}

export interface ProgressOptions {
  label: string;
  unit: string;
  total?: number;
}

/** A progress reporter that says nothing: the default for library calls and tests. */
export const noProgress = (): Progress => ({ tick() {}, done() {} });

export type ProgressFactory = (options: ProgressOptions) => Progress;

/** Chooses a TTY line on an interactive stderr, periodic logs otherwise. */
export function progressFactory(logger: Logger, stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  return (options) => (stream.isTTY ? ttyProgress(options, stream) : logProgress(options, logger));
}

function ttyProgress({ label, unit, total }: ProgressOptions, stream: NodeJS.WriteStream): Progress {
  const started = Date.now();
  let count = 0;
  let lastDraw = 0;
  const draw = (final: boolean): void => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? count / secs : 0;
    const pct = total ? ` ${((100 * count) / total).toFixed(1)}%` : '';
    stream.write(`\r${label}: ${fmt(count)}${total ? `/${fmt(total)}` : ''} ${unit}${pct} (${fmt(rate)}/s, ${secs.toFixed(1)}s)\x1b[K`);
    if (final) stream.write('\n');
  };
  return {
    tick(n) {
      count += n;
      const now = Date.now();
      if (now - lastDraw > 200) {
        lastDraw = now;
        draw(false);
      }
    },
    done: () => draw(true),
  };
}

function logProgress({ label, unit, total }: ProgressOptions, logger: Logger): Progress {
  const started = Date.now();
  let count = 0;
  let lastLog = started;
  return {
    tick(n) {
      count += n;
      const now = Date.now();
      if (now - lastLog > 5000) {
        lastLog = now;
        logger.info({ task: label, done: count, total, unit, seconds: (now - started) / 1000 }, `${label}: progress`);
      }
    },
    done() {
      logger.info({ task: label, done: count, unit, seconds: (Date.now() - started) / 1000 }, `${label}: done`);
    },
  };
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
