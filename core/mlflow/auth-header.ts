import type { MlflowAuth } from '../config.js';

/** The Authorization header MLflow's own clients send: HTTP basic for username/password, else a bearer token. */
export function authorizationHeader(auth: MlflowAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  return `Bearer ${auth.token}`;
}
