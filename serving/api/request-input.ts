import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { HttpError } from '../../core/errors.js';
import type { RouteSpec } from './route-spec.js';

const NO_QUERY = z.strictObject({});

/**
 * Middleware that checks a request against its route's schemas and leaves the parsed input in
 * `res.locals.input`: 400 for a malformed query or body, 413 for an array over its maximum, 415 for a body
 * that is not JSON.
 */
export function checkRequestInput(spec: RouteSpec): RequestHandler {
  const query = spec.query ?? NO_QUERY;
  return (req, res, next) => {
    const parsedQuery = query.safeParse(req.query);
    if (!parsedQuery.success) throw inputError(parsedQuery.error, 'query');
    let body: unknown;
    if (spec.body) {
      if (!req.is('application/json')) {
        if (!hasBody(req)) throw new HttpError(400, 'invalid_body', `${req.method} ${spec.path} needs a JSON body`);
        throw new HttpError(415, 'unsupported_media_type', `${req.method} ${spec.path} takes a JSON body: send Content-Type: application/json, not ${req.get('content-type') ?? 'no type'}`);
      }
      const parsedBody = spec.body.safeParse(req.body);
      if (!parsedBody.success) throw inputError(parsedBody.error, 'body');
      body = parsedBody.data;
    }
    res.locals.input = { query: parsedQuery.data, body };
    next();
  };
}

/** The HttpError for a failed check: an array over its maximum first (413), else the first issue (400). */
export function inputError(error: z.ZodError, where: 'query' | 'body'): HttpError {
  const tooMany = error.issues.find((i) => i.code === 'too_big' && i.origin === 'array');
  if (tooMany) return new HttpError(413, 'batch_too_large', tooMany.message, { field: fieldPath(tooMany.path) || undefined });
  const issue = error.issues[0];
  const code = where === 'query' ? 'invalid_query' : 'invalid_body';
  if (issue.code === 'unrecognized_keys') {
    const field = fieldPath([...issue.path, issue.keys[0]]);
    const what = where === 'query' && issue.path.length === 0 ? 'query parameter' : 'field';
    return new HttpError(400, code, `unknown ${what} ${JSON.stringify(issue.keys[0])}`, { field });
  }
  const field = fieldPath(issue.path);
  // Messages name their own field ("store_nbr must be …"); the prefix says where it sits ("queries[3]: …").
  const at = typeof issue.path.at(-1) === 'number' ? field : fieldPath(issue.path.slice(0, -1));
  return new HttpError(400, code, at ? `${at}: ${issue.message}` : issue.message, { field: field || undefined });
}

/** Whether a request carries a body: chunked, or a non-zero Content-Length. */
function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

/** `queries[3].store_nbr` from a zod issue path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}
