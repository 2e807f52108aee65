import type { z } from 'zod';
import { HttpError } from '../../core/errors.js';
import type { ReloadOutcome } from '../state/forecast-state-holder.js';
import { errorSchema, reloadQuerySchema, reloadResponseSchema } from './api-schemas.js';
import { bearerAuth } from './bearer-auth.js';
import { defineRoute, type RouteSpec } from './route-spec.js';

/** The environment variable that holds the admin token. */
export const ADMIN_TOKEN_VARIABLE = 'SHELFCAST_ADMIN_TOKEN';

export interface AdminRouteDeps {
  readonly reload: (options: { force: boolean }) => Promise<ReloadOutcome>;
  readonly adminToken?: string;
}

/** `POST /admin/reload`: load the source's current version and the lake's current origin now, then swap. */
export function adminRoutes(deps: AdminRouteDeps): RouteSpec[] {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });
  return [
    defineRoute<z.output<typeof reloadQuerySchema>>({
      method: 'post',
      path: '/admin/reload',
      query: reloadQuerySchema,
      guard: bearerAuth(deps.adminToken, ADMIN_TOKEN_VARIABLE),
      operation: {
        operationId: 'reload',
        summary: 'Reload the model and the feature snapshot when either changed, then switch atomically',
        description: `Requests in flight finish on the version they started with. Needs Authorization: Bearer <${ADMIN_TOKEN_VARIABLE}>; disabled (403) when the server has no token.`,
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        responses: {
          '200': { description: 'The version now served.', content: { 'application/json': { schema: reloadResponseSchema } } },
          '401': error('Missing or wrong bearer token.'),
          '403': error(`Disabled: the server runs without ${ADMIN_TOKEN_VARIABLE}.`),
          '500': error('The reload failed; the previous version is still served.'),
        },
      },
      handle: async ({ query }, res) => {
        let outcome: ReloadOutcome;
        try {
          outcome = await deps.reload({ force: query.force === 'true' });
        } catch (cause) {
          const reason = cause instanceof Error ? cause.message : String(cause);
          throw new HttpError(500, 'reload_failed', `reload failed, the previous version is still served: ${reason}`, { cause });
        }
        const { state, previous } = outcome;
        res.json({
          changed: outcome.changed,
          model: { name: state.model.name, version: state.model.version, run_id: state.model.runId },
          origin: state.origin,
          previous: previous ? { version: previous.model.version, origin: previous.origin } : null,
          seconds: outcome.seconds,
        });
      },
    }),
  ];
}
