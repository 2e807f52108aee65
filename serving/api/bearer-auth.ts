import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../../core/errors.js';

/**
 * Middleware that admits requests bearing `Authorization: Bearer <token>`. Without a configured token the
 * endpoint is disabled (403 naming the variable that enables it); a missing or wrong token is a 401.
 */
export function bearerAuth(token: string | undefined, variable: string): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return (req, res, next) => {
    if (expected === undefined) {
      throw new HttpError(403, 'admin_disabled', `${req.method} ${req.path} is disabled: start the server with ${variable} set to enable it`);
    }
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    // Compared as digests, in constant time: the token's length and prefix stay secret too.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', `${req.method} ${req.path} needs the header Authorization: Bearer <${variable}>`);
    }
    next();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
