import type { Config } from '../config.js';
import type { Lake } from './lake.js';
import { LocalLake } from './local-lake.js';
import { S3Lake } from './s3-lake.js';
import { isS3Url, parseS3Url } from './s3-url.js';

/** The settings a lake needs: where it is, where downloads go, and how to reach S3. */
export type LakeConfig = Pick<Config, 'lake' | 'cacheDir' | 's3'>;

/**
 * Opens the lake named by `location` (default: the configured lake): `s3://bucket/prefix` gives an S3 lake,
 * anything else a local directory. Also used to read ingest sources, which have the same two forms.
 */
export function openLake(config: LakeConfig, location: string = config.lake): Lake {
  if (isS3Url(location)) {
    return new S3Lake(parseS3Url(location), { region: config.s3.region, endpoint: config.s3.endpoint, cacheDir: config.cacheDir });
  }
  return new LocalLake(location);
}
