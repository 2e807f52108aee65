import { describe, expect, it } from 'vitest';
import {
  ShelfcastError,
  TrackingAlreadyExistsError,
  TrackingError,
  TrackingInvalidRequestError,
  TrackingNotFoundError,
  TrackingPermissionError,
  TrackingUnavailableError,
  exitCodeFor,
} from '../../../core/errors.js';
import { errorFromResponse, errorFromTransport, failureKind } from '../../../core/mlflow/call-failure.js';

const E = 'POST /api/2.0/mlflow/runs/create';
const body = (error_code: string, message = 'm') => ({ error_code, message });

describe('errorFromResponse', () => {
  it('maps MLflow error codes to the tracking error classes', () => {
    const cases: [number, string, new (...a: never[]) => TrackingError][] = [
      [404, 'RESOURCE_DOES_NOT_EXIST', TrackingNotFoundError],
      [400, 'RESOURCE_ALREADY_EXISTS', TrackingAlreadyExistsError],
      [400, 'INVALID_PARAMETER_VALUE', TrackingInvalidRequestError],
      [400, 'BAD_REQUEST', TrackingInvalidRequestError],
      [500, 'INVALID_STATE', TrackingInvalidRequestError],
      [403, 'PERMISSION_DENIED', TrackingPermissionError],
      [401, 'UNAUTHENTICATED', TrackingPermissionError],
      [429, 'REQUEST_LIMIT_EXCEEDED', TrackingUnavailableError],
      [503, 'TEMPORARILY_UNAVAILABLE', TrackingUnavailableError],
    ];
    for (const [status, code, Class] of cases) {
      const err = errorFromResponse(E, status, body(code, 'server says no'));
      expect(err).toBeInstanceOf(Class);
      expect(err).toBeInstanceOf(ShelfcastError);
      expect(err).toMatchObject({ code: 'TRACKING', status, mlflowCode: code, endpoint: E });
      expect(err.message).toBe(`${E}: ${code} (HTTP ${status}): server says no`);
    }
    expect(errorFromResponse(E, 500, body('INTERNAL_ERROR')).constructor).toBe(TrackingError);
  });

  it('falls back on the HTTP status for answers that are not MLflow JSON', () => {
    expect(errorFromResponse(E, 401, '<html>login</html>')).toBeInstanceOf(TrackingPermissionError);
    expect(errorFromResponse(E, 404, '')).toBeInstanceOf(TrackingNotFoundError);
    expect(errorFromResponse(E, 502, 'Bad Gateway')).toBeInstanceOf(TrackingUnavailableError);
    expect(errorFromResponse(E, 502, 'Bad Gateway').message).toBe(`${E}: HTTP 502: Bad Gateway`);
    expect(errorFromResponse(E, 413, JSON.stringify(body('BAD_REQUEST', 'too big'))).message).toBe(`${E}: BAD_REQUEST (HTTP 413): too big`);
  });

  it('gives tracking errors exit code 1', () => {
    expect(exitCodeFor(errorFromResponse(E, 400, body('INVALID_PARAMETER_VALUE')))).toBe(1);
  });
});

describe('failureKind', () => {
  const net = (code: string, message = code) => errorFromTransport(E, 'http://127.0.0.1:1', Object.assign(new Error(message), { code }));

  it('tells apart failures the server surely did not act on from those it may have', () => {
    expect(failureKind(net('ECONNREFUSED'))).toBe('unprocessed');
    expect(failureKind(errorFromResponse(E, 429, ''))).toBe('unprocessed');
    expect(failureKind(errorFromResponse(E, 503, ''))).toBe('unprocessed');
    expect(failureKind(net('ECONNRESET'))).toBe('uncertain');
    expect(failureKind(net('ERR_X', 'socket hang up'))).toBe('uncertain');
    expect(failureKind(net('ECONNABORTED'))).toBe('uncertain');
    expect(failureKind(net('ETIMEDOUT'))).toBe('uncertain');
    expect(failureKind(errorFromResponse(E, 500, body('INTERNAL_ERROR')))).toBe('uncertain');
    expect(failureKind(errorFromResponse(E, 504, ''))).toBe('uncertain');
  });

  it('never retries client errors, permanent server errors or unknown failures', () => {
    for (const status of [400, 401, 403, 404, 409, 413]) expect(failureKind(errorFromResponse(E, status, ''))).toBe('permanent');
    expect(failureKind(errorFromResponse(E, 500, body('INVALID_STATE')))).toBe('permanent');
    expect(failureKind(errorFromResponse(E, 501, ''))).toBe('permanent');
    expect(failureKind(net('ERR_INVALID_URL'))).toBe('permanent');
    expect(failureKind(new Error('ECONNREFUSED'))).toBe('permanent');
  });

  it('names the server and the network error', () => {
    const err = net('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
    expect(err).toBeInstanceOf(TrackingUnavailableError);
    expect(err.message).toBe(`${E}: no answer from the tracking server at http://127.0.0.1:1 (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1)`);
  });
});
