import {
  TrackingAlreadyExistsError,
  TrackingError,
  TrackingInvalidRequestError,
  TrackingNotFoundError,
  TrackingPermissionError,
  TrackingUnavailableError,
  type TrackingErrorDetails,
} from '../errors.js';

/*
 * How a failed call is reported (the typed error) and whether it may be tried again. A failure is
 * `unprocessed` when the server certainly did not act on the request (connection refused, 429, 503),
 * `uncertain` when it may have (a reset connection, a timeout, other 5xx), and `permanent` otherwise.
 */

export type FailureKind = 'unprocessed' | 'uncertain' | 'permanent';

/** An MLflow error body: `{"error_code": "...", "message": "..."}`. */
interface MlflowErrorBody {
  error_code?: unknown;
  message?: unknown;
}

type TrackingErrorClass = new (message: string, details?: TrackingErrorDetails, options?: { cause?: unknown }) => TrackingError;

const CLASS_BY_MLFLOW_CODE: Record<string, TrackingErrorClass> = {
  RESOURCE_DOES_NOT_EXIST: TrackingNotFoundError,
  NOT_FOUND: TrackingNotFoundError,
  RESOURCE_ALREADY_EXISTS: TrackingAlreadyExistsError,
  ALREADY_EXISTS: TrackingAlreadyExistsError,
  INVALID_PARAMETER_VALUE: TrackingInvalidRequestError,
  BAD_REQUEST: TrackingInvalidRequestError,
  MALFORMED_REQUEST: TrackingInvalidRequestError,
  INVALID_STATE: TrackingInvalidRequestError,
  INVALID_STATE_TRANSITION: TrackingInvalidRequestError,
  PERMISSION_DENIED: TrackingPermissionError,
  UNAUTHENTICATED: TrackingPermissionError,
  CUSTOMER_UNAUTHORIZED: TrackingPermissionError,
  TEMPORARILY_UNAVAILABLE: TrackingUnavailableError,
  REQUEST_LIMIT_EXCEEDED: TrackingUnavailableError,
  RESOURCE_EXHAUSTED: TrackingUnavailableError,
};

// 5xx codes that will fail the same way every time.
const PERMANENT_SERVER_CODES = new Set(['INVALID_STATE', 'NOT_IMPLEMENTED', 'DATA_LOSS']);

function classForStatus(status: number): TrackingErrorClass {
  if (status === 401 || status === 403) return TrackingPermissionError;
  if (status === 404) return TrackingNotFoundError;
  if (status === 409) return TrackingAlreadyExistsError;
  if (status === 429 || status === 502 || status === 503 || status === 504) return TrackingUnavailableError;
  if (status >= 400 && status < 500) return TrackingInvalidRequestError;
  return TrackingError;
}

function parseBody(body: unknown): MlflowErrorBody | undefined {
  if (body && typeof body === 'object') return body as MlflowErrorBody;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as MlflowErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** The typed error for an HTTP error answer; the message names the endpoint and carries the server's message. */
export function errorFromResponse(endpoint: string, status: number, body: unknown): TrackingError {
  const parsed = parseBody(body);
  const mlflowCode = typeof parsed?.error_code === 'string' ? parsed.error_code : undefined;
  const serverMessage =
    typeof parsed?.message === 'string' ? parsed.message : typeof body === 'string' ? body.trim().slice(0, 500) : '';
  const Class = (mlflowCode && CLASS_BY_MLFLOW_CODE[mlflowCode]) || classForStatus(status);
  const head = mlflowCode ? `${mlflowCode} (HTTP ${status})` : `HTTP ${status}`;
  return new Class(serverMessage ? `${head}: ${serverMessage}` : head, { endpoint, status, mlflowCode });
}

const UNPROCESSED_NETWORK_CODES = new Set(['ECONNREFUSED']);
const UNCERTAIN_NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_NETWORK',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The code of a Node or axios network error, looking through `cause` chains. */
function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNPROCESSED_NETWORK_CODES.has(code) || UNCERTAIN_NETWORK_CODES.has(code))) return code;
    if (e instanceof Error && /socket hang up/i.test(e.message)) return 'ECONNRESET';
  }
  return undefined;
}

/** The error for a call that got no answer: connection refused or reset, a timeout. */
export function errorFromTransport(endpoint: string, trackingUri: string, err: unknown): TrackingError {
  const code = networkCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  if (!code) return new TrackingError(`request failed: ${reason}`, { endpoint }, { cause: err });
  return new TrackingUnavailableError(`no answer from the tracking server at ${trackingUri} (${code}: ${reason})`, { endpoint }, { cause: err });
}

/** Whether a failure may be retried, and whether the server may have acted on the request. */
export function failureKind(err: unknown): FailureKind {
  if (!(err instanceof TrackingError)) return 'permanent';
  const status = err.status;
  if (status === undefined) {
    const code = networkCode(err);
    if (!code) return 'permanent';
    return UNPROCESSED_NETWORK_CODES.has(code) ? 'unprocessed' : 'uncertain';
  }
  if (status === 429 || status === 503) return 'unprocessed';
  if (status >= 500 && !(err.mlflowCode && PERMANENT_SERVER_CODES.has(err.mlflowCode)) && status !== 501) return 'uncertain';
  return 'permanent';
}
