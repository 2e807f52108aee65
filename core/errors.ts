/** Every failure shelfcast reports on purpose is a ShelfcastError with a literal code. */
export type ErrorCode =
  | 'CONFIG'
  | 'USAGE'
  | 'DATA'
  | 'STORAGE'
  | 'TRAINING'
  | 'TRACKING'
  | 'HTTP'
  | 'INTERNAL';

export class ShelfcastError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An environment variable or config file value has the wrong form. */
export class ConfigError extends ShelfcastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

/** A command was called with arguments that do not make sense. */
export class UsageError extends ShelfcastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

/** Where in the input a data problem sits: the more of these, the better the message. */
export interface DataLocation {
  file?: string;
  line?: number;
  column?: string;
}

/** Input data violates the contract (schema, types, keys, ranges). */
export class DataError extends ShelfcastError {
  readonly location: DataLocation;
  constructor(message: string, location: DataLocation = {}, options?: { cause?: unknown }) {
    super('DATA', formatLocated(message, location), options);
    this.location = location;
  }
}

/** Reading or writing the lake (local or S3) failed. */
export class StorageError extends ShelfcastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE', message, options);
  }
}

/** The learner failed or was misused: LightGBM's own error text, invalid parameters, a disposed handle. */
export class TrainingError extends ShelfcastError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRAINING', message, options);
  }
}

function formatLocated(message: string, loc: DataLocation): string {
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.column) parts.push(`column ${loc.column}`);
  return parts.length ? `${parts.join(', ')}: ${message}` : message;
}

/** Exit code for an error: 2 for bad input or usage, 1 for everything else (DESIGN.md, CLI surface). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ShelfcastError) {
    return err.code === 'CONFIG' || err.code === 'USAGE' || err.code === 'DATA' ? 2 : 1;
  }
  return 1;
}
