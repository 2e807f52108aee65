import { UsageError } from '../errors.js';

/** A bucket and a key prefix (no leading or trailing '/'; '' for the bucket root). */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

/** Whether a lake or source location names S3. */
export function isS3Url(location: string): boolean {
  return location.startsWith('s3://');
}

/** Splits `s3://bucket/prefix` into bucket and prefix. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new UsageError(`${url}: expected s3://bucket[/prefix] with a valid bucket name`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1], prefix };
}
