import type { KaggleFileKind } from '../schema/kaggle-schema.js';

/** Kinds staged as one Parquet file per date. */
export type PartitionedKind = 'train' | 'test';

/** Where staged data starts in the lake; readers glob `staging/train/date=*\/data.parquet`. */
export const STAGING_PREFIX = 'staging/';
export const RAW_PREFIX = 'raw/';

/** `staging/train/date=2017-08-16/data.parquet`: one file per date, rows sorted by (store_nbr, item_nbr). */
export function partitionKey(kind: PartitionedKind, date: string): string {
  return `${STAGING_PREFIX}${kind}/date=${date}/data.parquet`;
}

/** `staging/items/data.parquet`: a reference table, replaced as a whole. */
export function tableKey(kind: KaggleFileKind): string {
  return `${STAGING_PREFIX}${kind}/data.parquet`;
}

/** `raw/train/<sha256>/train_2017-08-16.csv.gz`: a delivered file, byte for byte, addressed by its content. */
export function rawKey(kind: KaggleFileKind, sha256: string, name: string): string {
  return `${RAW_PREFIX}${kind}/${sha256}/${name}`;
}
