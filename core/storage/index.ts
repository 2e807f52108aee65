export type { Lake, LakeObject } from './lake.js';
export { assertLakeKey } from './lake-key.js';
export { LocalLake } from './local-lake.js';
export { S3Lake, type S3LakeOptions } from './s3-lake.js';
export { isS3Url, parseS3Url, type S3Location } from './s3-url.js';
export { openLake, type LakeConfig } from './open-lake.js';
