import { randomUUID } from 'node:crypto';
import { TrackingAlreadyExistsError, TrackingNotFoundError } from '../errors.js';
import { failureKind } from './call-failure.js';
import type { MlflowTransport } from './mlflow-transport.js';

/**
 * Tag key that makes creating a run or a model version safe to retry: each create carries a fresh id in it, and
 * after an attempt whose outcome is unknown (a reset connection, a timeout, a 5xx) the next attempt first looks
 * for an entity carrying that id, so a retry never makes a second run or version.
 */
export const REQUEST_ID_TAG = 'shelfcast.request_id';

/** How to create an entity once and how to find one made by an earlier attempt. */
export interface TaggedCreate<T> {
  readonly endpoint: string;
  /** One attempt, with the request id among the tags. */
  create(requestId: string): Promise<T>;
  /** One attempt at finding the entity tagged with this request id. */
  find(requestId: string): Promise<T | undefined>;
}

/** Creates an entity exactly once across retries (see REQUEST_ID_TAG). */
export function createOnce<T>(transport: MlflowTransport, spec: TaggedCreate<T>): Promise<T> {
  const requestId = randomUUID();
  let mayExist = false;
  return transport.retrying(spec.endpoint, 'idempotent', async () => {
    if (mayExist) {
      const found = await spec.find(requestId);
      if (found) return found;
    }
    try {
      return await spec.create(requestId);
    } catch (err) {
      if (failureKind(err) === 'uncertain') mayExist = true;
      throw err;
    }
  });
}

/**
 * Gets a uniquely named entity, creating it when missing; safe to retry as a whole, and a concurrent creator
 * is no error (its RESOURCE_ALREADY_EXISTS is answered by getting again). `get` and `create` make one attempt each.
 */
export function getOrCreate<T>(transport: MlflowTransport, endpoint: string, get: () => Promise<T>, create: () => Promise<T>): Promise<T> {
  return transport.retrying(endpoint, 'idempotent', async () => {
    try {
      return await get();
    } catch (err) {
      if (!(err instanceof TrackingNotFoundError)) throw err;
    }
    try {
      return await create();
    } catch (err) {
      if (!(err instanceof TrackingAlreadyExistsError)) throw err;
    }
    return get();
  });
}
