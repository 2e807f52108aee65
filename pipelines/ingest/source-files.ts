import type { LakeObject } from '../../core/storage/lake.js';
import { fileKindOf, type KaggleFileKind } from '../schema/kaggle-schema.js';
import { KIND_ORDER } from './kind-rules.js';

/** A delivered file that ingest will read. */
export interface SourceFile {
  /** Key inside the source (directory or S3 prefix). */
  readonly key: string;
  /** Base name, which decides the kind. */
  readonly name: string;
  readonly kind: KaggleFileKind;
  readonly format: 'csv' | 'parquet';
  readonly size: number;
}

/** A file in the source that is not part of the Kaggle contract. */
export interface SkippedFile {
  readonly name: string;
  readonly reason: string;
}

export const NOT_KAGGLE = 'not a Kaggle file name (expected e.g. train.csv, train_2017-08-16.csv.gz, items.parquet)';
export const IN_SUBDIRECTORY = 'in a subdirectory (pass that directory as --source to load it)';

/**
 * Picks the Kaggle files at the top level of a source listing and orders them for one run: by kind (reference
 * tables first, see KIND_ORDER), then by name, so daily drops load in date order. Files in subdirectories are
 * left for later runs: a generator writes the daily drops of the coming days into `daily/`.
 */
export function selectSourceFiles(objects: readonly LakeObject[]): { files: SourceFile[]; skipped: SkippedFile[] } {
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const object of objects) {
    const name = object.key.slice(object.key.lastIndexOf('/') + 1);
    if (name.startsWith('.')) continue;
    if (object.key.includes('/')) {
      skipped.push({ name: object.key, reason: IN_SUBDIRECTORY });
      continue;
    }
    const kind = fileKindOf(name);
    if (!kind) {
      skipped.push({ name: object.key, reason: NOT_KAGGLE });
      continue;
    }
    files.push({ key: object.key, name, kind, format: /\.parquet$/i.test(name) ? 'parquet' : 'csv', size: object.size });
  }
  files.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.name, b.name) || compare(a.key, b.key));
  return { files, skipped };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
