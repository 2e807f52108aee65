import express, { type Express, type RequestHandler } from 'express';
import { HttpError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { shelfcastVersion } from '../../core/version.js';
import type { PredictionLog } from '../prediction-log/prediction-log.js';
import type { ForecastStateHolder } from '../state/forecast-state-holder.js';
import { adminRoutes } from './admin-routes.js';
import type { ApiMetrics } from './api-metrics.js';
import { errorHandler, unknownRoute } from './error-handler.js';
import { forecastRoutes } from './forecast-routes.js';
import { openApiDocument } from './openapi-document.js';
import { checkRequestInput } from './request-input.js';
import type { RouteSpec } from './route-spec.js';
import { servedStates } from './served-state.js';
import { serviceRoutes } from './service-routes.js';

/** Most queries in one POST /v1/forecast by default. */
export const DEFAULT_MAX_BATCH = 10_000;

export interface AppDeps {
  readonly holder: Pick<ForecastStateHolder, 'current' | 'reload'>;
  readonly metrics: ApiMetrics;
  readonly predictionLog?: PredictionLog;
  readonly logger?: Logger;
  /** Enables POST /admin/reload for requests bearing it. */
  readonly adminToken?: string;
  readonly maxBatch?: number;
  /** True once a graceful shutdown began: /readyz turns 503. */
  readonly isStopping?: () => boolean;
}

/**
 * The forecast API as an express app, without listening: the routes (each checked against its schema), the
 * OpenAPI document made from them, 404/405 for other paths and methods, and one error handler.
 */
export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? silentLogger;
  const maxBatch = deps.maxBatch ?? DEFAULT_MAX_BATCH;
  const isStopping = deps.isStopping ?? (() => false);
  const current = () => deps.holder.current;
  const served = servedStates(current, deps.predictionLog);
  let document: object | undefined;
  const routes: RouteSpec[] = [
    ...forecastRoutes({ served, predictionLog: deps.predictionLog, maxBatch }),
    ...serviceRoutes({ current, served, isStopping, metrics: deps.metrics, openApi: () => document! }),
    ...adminRoutes({ reload: (o) => deps.holder.reload(o), adminToken: deps.adminToken }),
  ];
  document = openApiDocument(routes, { version: shelfcastVersion() });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(deps.metrics.requests());
  // A batch query is about 60 bytes of JSON; the limit leaves room for whitespace. Bodies are parsed only on
  // routes that take one, so that a parse failure is counted under its route.
  const json = express.json({ limit: Math.max(1 << 20, maxBatch * 256) });
  for (const spec of routes) {
    const before = [...(spec.guard ? [spec.guard] : []), ...(spec.body ? [json] : [])];
    app[spec.method](spec.path, ...before, checkRequestInput(spec), (req, res) => spec.handle(res.locals.input, res, req));
  }
  for (const [path, methods] of methodsByPath(routes)) app.all(path, methodNotAllowed(methods));
  app.use(unknownRoute());
  app.use(errorHandler(logger));
  return app;
}

function methodsByPath(routes: readonly RouteSpec[]): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const r of routes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.method.toUpperCase()]);
  return byPath;
}

function methodNotAllowed(methods: readonly string[]): RequestHandler {
  const allow = methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
  return (req, res) => {
    res.setHeader('Allow', allow.join(', '));
    throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}; use ${allow.join(' or ')}`);
  };
}
