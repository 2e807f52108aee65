import { DataError } from '../../core/errors.js';
import { readRunBundle, RUN_FILES } from '../../training/bundle/index.js';
import { readBacktestScores } from './backtest-scores.js';
import type { LoadedModel, ModelRef } from './model-source.js';
import { readRunCategories } from './run-feature-spec.js';

/**
 * A version from a complete run directory on local disk (every file checked against run.json): the local source
 * uses it directly, a registry source after downloading the version's artifacts.
 */
export async function loadRunDirectoryModel(dir: string, ref: ModelRef): Promise<LoadedModel> {
  const bundle = await readRunBundle(dir);
  const { manifest } = bundle;
  if (manifest.runId !== ref.runId) {
    throw new DataError(`holds run ${manifest.runId}, expected run ${ref.runId}`, { file: bundle.path(RUN_FILES.manifest) });
  }
  const [categories, backtest] = await Promise.all([readRunCategories(bundle), readBacktestScores(bundle.path(RUN_FILES.metrics))]);
  return {
    identity: {
      ...ref,
      createdAt: manifest.createdAt,
      trainingWindow: { ...manifest.dataWindow },
      lastObservedDay: manifest.lastObservedDay,
      backtest,
    },
    onnxPath: bundle.path(RUN_FILES.onnx),
    categories,
  };
}
