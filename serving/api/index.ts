/** The forecast HTTP API: the express app, its OpenAPI document, metrics, and the server with graceful shutdown. */
export { ADMIN_TOKEN_VARIABLE } from './admin-routes.js';
export { ApiMetrics, UNMATCHED_ROUTE } from './api-metrics.js';
export * as apiSchemas from './api-schemas.js';
export { createApp, DEFAULT_MAX_BATCH, type AppDeps } from './create-app.js';
export { errorBody, toHttpError } from './error-handler.js';
export { forecastFastPath, type ForecastFastPathDeps } from './forecast-fast-path.js';
export { openApiDocument } from './openapi-document.js';
export { defineRoute, type RouteInput, type RouteSpec } from './route-spec.js';
export { modelInfo } from './service-routes.js';
export { startServer, type RunningServer, type ServeDeps, type ServeOptions } from './start-server.js';
