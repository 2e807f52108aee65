import { z } from 'zod';
import type { ForecastState } from '../state/forecast-state.js';
import type { ApiMetrics } from './api-metrics.js';
import { errorSchema, healthSchema, modelInfoSchema, readySchema } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './route-spec.js';
import type { ServedState } from './served-state.js';

export interface ServiceRouteDeps {
  readonly current: () => ForecastState | undefined;
  readonly served: () => ServedState;
  readonly isStopping: () => boolean;
  readonly metrics: ApiMetrics;
  /** The OpenAPI document, made once the routes are known. */
  readonly openApi: () => object;
}

/** `/healthz`, `/readyz`, `/metrics`, `/openapi.json` and `GET /v1/model`. */
export function serviceRoutes(deps: ServiceRouteDeps): RouteSpec[] {
  const tags = ['service'];
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operation: { operationId: 'health', summary: 'Liveness: the process answers', tags, responses: { '200': { description: 'Alive.', content: { 'application/json': { schema: healthSchema } } } } },
      handle: (_input, res) => void res.json({ status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operation: {
        operationId: 'ready',
        summary: 'Readiness: a model and its feature snapshot are loaded and the server is not stopping',
        tags,
        responses: {
          '200': { description: 'Ready to answer forecasts.', content: { 'application/json': { schema: readySchema } } },
          '503': { description: 'Loading, or stopping.', content: { 'application/json': { schema: readySchema } } },
        },
      },
      handle: (_input, res) => {
        const state = deps.current();
        if (deps.isStopping()) res.status(503).json({ status: 'stopping' });
        else if (!state) res.status(503).json({ status: 'loading' });
        else res.json({ status: 'ready', model_version: state.model.version, origin: state.origin });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operation: {
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        tags,
        responses: { '200': { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: z.string() } } } },
      },
      handle: async (_input, res) => {
        const text = await deps.metrics.registry.metrics();
        res.type(deps.metrics.registry.contentType).send(text);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operation: {
        operationId: 'openapi',
        summary: 'This API as an OpenAPI 3.1 document',
        tags,
        responses: { '200': { description: 'The document.', content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } } } },
      },
      handle: (_input, res) => void res.json(deps.openApi()),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/model',
      operation: {
        operationId: 'getModel',
        summary: 'The model version being served: name, version, run id, origin, training window and backtest scores',
        tags: ['forecasts'],
        responses: {
          '200': { description: 'The served version.', content: { 'application/json': { schema: modelInfoSchema } } },
          '503': { description: 'Still loading.', content: { 'application/json': { schema: errorSchema } } },
        },
      },
      handle: (_input, res) => void res.json(modelInfo(deps.served().state)),
    }),
  ];
}

/** The body of `GET /v1/model`. */
export function modelInfo(state: ForecastState): z.output<typeof modelInfoSchema> {
  const m = state.model;
  const b = m.backtest;
  return {
    name: m.name,
    version: m.version,
    run_id: m.runId,
    created_at: m.createdAt,
    origin: state.origin,
    forecast_days: [...state.dates],
    training_window: { ...m.trainingWindow },
    backtest: {
      metric: b.metric,
      validation_origin: b.validationOrigin,
      model: b.model,
      baseline: b.baseline,
      improvement: b.improvement,
      per_horizon: b.perHorizon.map((h) => ({ ...h })),
    },
    series: state.series.rows,
    stores: state.stores.size,
    items: state.items.size,
    loaded_at: state.loadedAt,
  };
}
