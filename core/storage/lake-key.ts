import { StorageError } from '../errors.js';

/**
 * Checks that a key is relative and stays inside the lake: no leading '/', no '.' or '..' segments, no
 * backslashes. A prefix may be empty or end with '/'.
 */
export function assertLakeKey(key: string, { prefix = false } = {}): string {
  const body = prefix && key.endsWith('/') ? key.slice(0, -1) : key;
  if (prefix && body === '') return key;
  const segments = body.split('/');
  if (body === '' || key.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new StorageError(`invalid lake key ${JSON.stringify(key)}: expected a relative path such as staging/train/data.parquet`);
  }
  return key;
}
