import { StorageError } from '../errors.js';

/** One object in the lake: its key (relative, '/'-separated) and its size in bytes. */
export interface LakeObject {
  readonly key: string;
  readonly size: number;
}

/**
 * The data lake: a local directory or an S3 prefix, addressed by relative keys such as
 * `staging/train/date=2017-08-16/data.parquet`. Every write is atomic per object: a reader sees the old object or
 * the new one, never a part. DuckDB reads only local files, so reads for queries go through `materialise*`.
 */
export interface Lake {
  /** Where the lake lives, for messages: an absolute directory or `s3://bucket/prefix`. */
  readonly location: string;
  /** The object's text, or undefined when it does not exist. */
  readText(key: string): Promise<string | undefined>;
  /** Parses the object as JSON; undefined when it does not exist. */
  readJson(key: string): Promise<unknown>;
  /** Replaces the object with the JSON text of `value`. */
  writeJson(key: string, value: unknown): Promise<void>;
  /**
   * Replaces the object with the contents of a local file. With `move`, the local file may be consumed
   * (renamed into place when the lake is a directory on the same file system).
   */
  putFile(key: string, localPath: string, options?: { move?: boolean }): Promise<void>;
  /** Size of one object, or undefined when it does not exist. */
  stat(key: string): Promise<LakeObject | undefined>;
  /** Objects whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<LakeObject[]>;
  /** Removes one object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** A local path holding the object's current contents (a StorageError when it does not exist). */
  materialise(key: string): Promise<string>;
  /**
   * A local directory mirroring every object under `prefix` (which ends with '/'), so that
   * `<dir>/<rest of key>` is the object; no other files with a lake object's name are in it.
   */
  materialisePrefix(prefix: string): Promise<string>;
  /** Removes what interrupted writes left under `prefix`; returns how many leftovers were removed. */
  removeIncomplete(prefix: string): Promise<number>;
  /** Releases connections. */
  close(): void;
}

/** Parses a JSON object read from a lake; `where` names it in the error when it is not valid JSON. */
export function parseLakeJson(text: string | undefined, where: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StorageError(`${where} is not valid JSON`, { cause });
  }
}
