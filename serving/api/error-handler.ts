import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

/** The body of every error response: `{ error: { code, message, field? } }`. */
export function errorBody(err: HttpError): { error: { code: string; message: string; field?: string } } {
  return { error: err.field === undefined ? { code: err.apiCode, message: err.message } : { code: err.apiCode, message: err.message, field: err.field } };
}

/**
 * Any failure as an HttpError: HttpErrors as they are, body-parser's errors as the client errors they are,
 * and everything else as a 500 whose message gives nothing away (the log has the details).
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: unknown; status?: unknown; message?: unknown; limit?: unknown };
  switch (e?.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', `the body is not valid JSON: ${String(e.message)}`, { cause: err });
    case 'entity.too.large':
      return new HttpError(413, 'body_too_large', `the body is larger than the ${String(e.limit)} bytes a request may have`, { cause: err });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type', String(e.message), { cause: err });
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, 'bad_request', String(e.message ?? 'bad request'), { cause: err });
  }
  return new HttpError(500, 'internal', 'internal error; the server log has the details', { cause: err });
}

/** The one error middleware: logs server-side failures and answers with the error body. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const http = toHttpError(err);
    if (http.status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'serve: request failed');
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(http.status).json(errorBody(http));
  };
}

/** The last middleware: a 404 for paths no route has, naming where the API is described. */
export function unknownRoute(): RequestHandler {
  return (req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.path}; the API is described at /openapi.json`);
  };
}
