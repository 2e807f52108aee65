import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ZodOpenApiOperationObject } from 'zod-openapi';

/** A request's checked input. */
export interface RouteInput<Q, B> {
  readonly query: Q;
  readonly body: B;
}

/**
 * One endpoint as data: its OpenAPI operation, the schemas its query and body must satisfy, and its handler. The
 * app registers the handler behind a check of the input against the schemas, and the OpenAPI document is
 * generated from the same specs.
 */
export interface RouteSpec<Q = unknown, B = unknown> {
  readonly method: 'get' | 'post';
  readonly path: string;
  /** Everything of the OpenAPI operation but its parameters and body, which come from `query` and `body`. */
  readonly operation: Omit<ZodOpenApiOperationObject, 'requestParams' | 'requestBody'>;
  /** Query parameters; without it, any query parameter is refused. */
  readonly query?: z.ZodType<Q>;
  /** A JSON body. */
  readonly body?: z.ZodType<B>;
  /** Runs before the input is checked (authentication). */
  readonly guard?: RequestHandler;
  readonly handle: (input: RouteInput<Q, B>, res: Response, req: Request) => void | Promise<void>;
}

/** Declares a route, keeping its input types for the handler. */
export function defineRoute<Q = Record<string, never>, B = undefined>(spec: RouteSpec<Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
