import { DataError } from '../../core/errors.js';
import type { CategoryCodes } from '../../pipelines/features/index.js';
import { RUN_FILES, type RunBundle } from '../../training/bundle/index.js';
import { readModelFeatureSpec } from '../../training/tracking/index.js';

/**
 * The category codes a run was trained with, after checking that its feature_spec.json lists the features this
 * shelfcast builds, in the same order (a model fed another column order predicts garbage without failing).
 */
export async function readRunCategories(bundle: RunBundle): Promise<CategoryCodes> {
  const file = bundle.path(RUN_FILES.featureSpec);
  const spec = await readModelFeatureSpec(file);
  if (!spec.compatible) {
    throw new DataError(`the run in ${bundle.dir} was trained on another feature set than this shelfcast builds (${spec.reason}); retrain it`, { file });
  }
  return spec.categories;
}
