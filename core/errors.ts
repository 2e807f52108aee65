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

/** Where a tracking failure happened and what the server said about it. */
export interface TrackingErrorDetails {
  /** The call, as `METHOD /api/2.0/...` (the artifact path included for artifact calls). */
  endpoint?: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** MLflow's `error_code` (RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE, ...), when the server sent one. */
  mlflowCode?: string;
}

/** The tracking server or model registry (MLflow) refused or failed a call; the base of the tracking errors. */
export class TrackingError extends ShelfcastError {
  readonly endpoint?: string;
  readonly status?: number;
  readonly mlflowCode?: string;
  constructor(message: string, details: TrackingErrorDetails = {}, options?: { cause?: unknown }) {
    super('TRACKING', details.endpoint ? `${details.endpoint}: ${message}` : message, options);
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.mlflowCode = details.mlflowCode;
  }
}

/** The experiment, run, model, version, alias or artifact does not exist. */
export class TrackingNotFoundError extends TrackingError {}

/** A create call named something that already exists. */
export class TrackingAlreadyExistsError extends TrackingError {}

/** The request was refused as malformed or invalid, by the server or before it was sent. */
export class TrackingInvalidRequestError extends TrackingError {}

/** Credentials are missing or not allowed to do this. */
export class TrackingPermissionError extends TrackingError {}

/** The server could not be reached or kept failing (connection errors, 429, 5xx) after every retry. */
export class TrackingUnavailableError extends TrackingError {}

/**
 * A request the HTTP API refuses or cannot serve: the status, a stable machine-readable `apiCode` (the body's
 * `error.code`) and the request field at fault, when one is.
 */
export class HttpError extends ShelfcastError {
  readonly status: number;
  readonly apiCode: string;
  readonly field?: string;
  constructor(status: number, apiCode: string, message: string, options?: { field?: string; cause?: unknown }) {
    super('HTTP', message, { cause: options?.cause });
    this.status = status;
    this.apiCode = apiCode;
    this.field = options?.field;
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
