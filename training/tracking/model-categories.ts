import { readFile } from 'node:fs/promises';
import { DataError } from '../../core/errors.js';
import { FEATURE_NAMES, type CategoryCodes } from '../../pipelines/features/index.js';

/** A model's feature_spec.json, checked against the features this shelfcast builds. */
export type ModelFeatureSpec =
  | { readonly compatible: true; readonly categories: CategoryCodes }
  /** The model takes other features (or another order): fed this shelfcast's columns it would predict garbage. */
  | { readonly compatible: false; readonly reason: string };

/** Reads a feature_spec.json and says whether a model trained with it runs on FEATURE_NAMES, with its category codes. */
export async function readModelFeatureSpec(file: string): Promise<ModelFeatureSpec> {
  let spec: { features?: { name?: unknown }[]; categories?: CategoryCodes };
  try {
    spec = JSON.parse(await readFile(file, 'utf8')) as typeof spec;
  } catch (cause) {
    throw new DataError('cannot parse it as JSON', { file }, { cause });
  }
  const names = Array.isArray(spec.features) ? spec.features.map((f) => f?.name) : [];
  const firstDiff = names.findIndex((n, i) => n !== FEATURE_NAMES[i]);
  if (names.length !== FEATURE_NAMES.length || firstDiff >= 0) {
    const where = firstDiff >= 0 ? `column ${firstDiff} is ${JSON.stringify(names[firstDiff])}, expected ${JSON.stringify(FEATURE_NAMES[firstDiff])}` : '';
    return { compatible: false, reason: `${names.length} features, this shelfcast builds ${FEATURE_NAMES.length}${where ? `; ${where}` : ''}` };
  }
  if (typeof spec.categories !== 'object' || spec.categories === null) throw new DataError('has no category codes (field categories)', { file });
  return { compatible: true, categories: spec.categories };
}
