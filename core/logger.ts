import { pino, type Logger, type Level } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr, so stdout stays free for command output and `--json`. */
export function createLogger(level: Level | 'silent' = 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything: the default for library calls and tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
