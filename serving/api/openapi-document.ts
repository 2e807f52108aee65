import { createDocument, type ZodOpenApiObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { RouteSpec } from './route-spec.js';

/** The OpenAPI 3.1 document of the routes: parameters and bodies from their zod schemas. */
export function openApiDocument(routes: readonly RouteSpec[], info: { readonly version: string }): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const r of routes) {
    const operation = {
      ...r.operation,
      ...(r.query ? { requestParams: { query: r.query } } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
    };
    paths[r.path] = { ...paths[r.path], [r.method]: operation };
  }
  const document: ZodOpenApiObject = {
    openapi: '3.1.0',
    info: {
      title: 'shelfcast forecast API',
      version: info.version,
      description:
        'Unit-sales forecasts per store, item and day for the 16 days from the origin (the day after the last day of sales in the lake). ' +
        'Every forecast names the model version and the origin. Errors have the body {"error": {"code", "message", "field"}}.',
    },
    paths,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
  };
  return createDocument(document);
}
