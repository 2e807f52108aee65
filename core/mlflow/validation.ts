import { TrackingInvalidRequestError } from '../errors.js';
import { MLFLOW_LIMITS } from './limits.js';

/*
 * The server's own rules, checked before a request is sent, so that a bad key fails with the field's name and
 * nothing half-logged, and so that values the server would silently cut or mangle never leave the client.
 */

// MLflow's name rule on POSIX servers: `^[/\w.\- :]*$`, where Python's \w is str.isalnum() (letters, numbers) or "_".
const ENTITY_KEY = /^[/\p{L}\p{N}_.\- :]*$/u;
const ALIAS = /^[\p{L}\p{N}_-]+$/u;
const VERSION_LIKE_ALIAS = /^[vV]\d+$/;

function refuse(endpoint: string, field: string, value: unknown, reason: string): never {
  const shown = typeof value === 'string' && value.length > 80 ? `${JSON.stringify(value.slice(0, 80))}...` : JSON.stringify(value);
  throw new TrackingInvalidRequestError(`${field} ${shown}: ${reason} (not sent)`, { endpoint });
}

/** Length in code points, as Python's len() counts it. */
function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

function assertString(endpoint: string, field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') refuse(endpoint, field, value, 'expected a string');
}

function assertMaxLength(endpoint: string, field: string, value: string, limit: number): void {
  if (value.length > limit && charLength(value) > limit) refuse(endpoint, field, value, `longer than MLflow's limit of ${limit} characters`);
}

/**
 * MLflow treats names as file paths in places, so a name must not resolve to another one: no leading "/" or "..",
 * and no empty, "." or ".." segment (Python's posixpath.normpath must leave it unchanged).
 */
function isPathLike(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.startsWith('..')) return true;
  return name.split('/').some((s) => s === '' || s === '.' || s === '..');
}

/** A metric, param or run/experiment/registry tag key as MLflow accepts it. */
export function assertEntityKey(endpoint: string, field: string, key: unknown, limit: number = MLFLOW_LIMITS.entityKeyLength): void {
  assertString(endpoint, field, key);
  if (!ENTITY_KEY.test(key)) {
    refuse(endpoint, field, key, 'names may only contain letters, digits, underscores, dashes, periods, spaces, colons and slashes');
  }
  if (isPathLike(key)) refuse(endpoint, field, key, 'names must not be empty, start with "/" or "..", or hold empty, "." or ".." segments');
  assertMaxLength(endpoint, field, key, limit);
}

/** A string value under a length limit (param values, tag values). */
export function assertStringValue(endpoint: string, field: string, value: unknown, limit: number): void {
  assertString(endpoint, field, value);
  assertMaxLength(endpoint, field, value, limit);
}

/** A metric value: any double. NaN is stored as NaN; ±Infinity is stored as ±Number.MAX_VALUE by SQL stores. */
export function assertMetricValue(endpoint: string, field: string, value: unknown): void {
  // A non-number reaches the server's protobuf parser, which fails and stores 0 at timestamp 0 with a 200.
  if (typeof value !== 'number') refuse(endpoint, field, value, 'expected a number');
}

/** A 64-bit-integer field that JavaScript can hold exactly (timestamps in ms, steps). */
export function assertInteger(endpoint: string, field: string, value: unknown, { min }: { min?: number } = {}): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) refuse(endpoint, field, value, 'expected an integer');
  if (min !== undefined && value < min) refuse(endpoint, field, value, `expected an integer >= ${min}`);
}

/** An experiment name: non-empty, at most 500 characters. */
export function assertExperimentName(endpoint: string, name: unknown): void {
  assertString(endpoint, 'name', name);
  if (name.trim() === '') refuse(endpoint, 'name', name, 'expected a non-empty name');
  assertMaxLength(endpoint, 'name', name, MLFLOW_LIMITS.experimentNameLength);
}

/** A registered model name: non-empty, no "/" or ":", and not path-like. */
export function assertModelName(endpoint: string, name: unknown): void {
  assertString(endpoint, 'name', name);
  if (name.trim() === '') refuse(endpoint, 'name', name, 'expected a non-empty name');
  if (/[/:]/.test(name)) refuse(endpoint, 'name', name, 'model names cannot contain "/" or ":"');
  if (isPathLike(name)) refuse(endpoint, 'name', name, 'model names must not start with ".." or hold "." or ".." segments');
}

/** A registry alias: letters, digits, "_" and "-", at most 255 characters, not "latest" and not like "v3". */
export function assertAlias(endpoint: string, alias: unknown): void {
  assertString(endpoint, 'alias', alias);
  if (!ALIAS.test(alias)) refuse(endpoint, 'alias', alias, 'aliases may only contain letters, digits, underscores and dashes');
  if (alias.toLowerCase() === 'latest') refuse(endpoint, 'alias', alias, '"latest" is reserved by MLflow');
  if (VERSION_LIKE_ALIAS.test(alias)) refuse(endpoint, 'alias', alias, 'aliases like "v3" are reserved for versions by MLflow');
  assertMaxLength(endpoint, 'alias', alias, MLFLOW_LIMITS.aliasLength);
}

/** A model version number as the registry spells it ("1", "2", ...). */
export function assertVersion(endpoint: string, version: unknown): void {
  if (typeof version !== 'string' || !/^[1-9]\d*$/.test(version)) refuse(endpoint, 'version', version, 'expected a version number such as "3"');
}

/** A non-empty identifier (run id, experiment id). */
export function assertId(endpoint: string, field: string, id: unknown): void {
  if (typeof id !== 'string' || id === '') refuse(endpoint, field, id, 'expected a non-empty id');
}

/** Each tag of a record passes the key rule and a value limit. */
export function assertTags(endpoint: string, field: string, tags: Readonly<Record<string, string>> | undefined, keyLimit: number, valueLimit: number): void {
  for (const [key, value] of Object.entries(tags ?? {})) {
    assertEntityKey(endpoint, `${field} key`, key, keyLimit);
    assertStringValue(endpoint, `${field}[${JSON.stringify(key)}]`, value, valueLimit);
  }
}
