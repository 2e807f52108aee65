import { join } from 'node:path';
import { silentLogger, type Logger } from '../../core/logger.js';
import { joinArtifactPath, runArtifactPath, type MlflowClient, type ModelVersion } from '../../core/mlflow/index.js';
import type { Lake } from '../../core/storage/lake.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import { FEATURE_NAMES } from '../../pipelines/features/index.js';
import { OnnxForecaster, RUN_FILES } from '../bundle/index.js';
import { nwrmsle } from '../evaluation/index.js';
import { stackFeatureTables } from '../horizons/index.js';
import { featuresAt } from '../train-run.js';
import { readModelFeatureSpec } from './model-categories.js';
import type { ChampionStanding, ValidationWindow } from './promotion-gate.js';

/** Scores a registered version on a window it was not trained on. */
export type ChampionScorer = (version: ModelVersion, window: ValidationWindow) => Promise<ChampionStanding>;

export interface ChampionScorerDeps {
  readonly client: MlflowClient;
  /** The lake holding the window's sales (the challenger's lake). */
  readonly lake: Lake;
  readonly cacheDir: string;
  readonly logger?: Logger;
}

/**
 * A scorer that downloads a version's model.onnx and feature_spec.json, rebuilds the feature matrix at the
 * window's origin from the lake with the version's own category codes (as training built its validation matrix),
 * runs the model in onnxruntime and computes NWRMSLE against the labels.
 */
export function championScorer(deps: ChampionScorerDeps): ChampionScorer {
  const logger = deps.logger ?? silentLogger;
  return async (version, window) => {
    const work = await createWorkDir(deps.cacheDir, 'rescore');
    try {
      const modelPath = await versionArtifactPath(deps.client, version);
      const local = (file: string): string => join(work, file);
      await deps.client.artifacts.download(joinArtifactPath(modelPath, RUN_FILES.featureSpec), local(RUN_FILES.featureSpec));
      const spec = await readModelFeatureSpec(local(RUN_FILES.featureSpec));
      if (!spec.compatible) return { kind: 'incompatible', version: version.version, reason: spec.reason };
      await deps.client.artifacts.download(joinArtifactPath(modelPath, RUN_FILES.onnx), local(RUN_FILES.onnx));

      const table = await featuresAt(window.origin, { lake: deps.lake, cacheDir: deps.cacheDir }, logger, spec.categories);
      const matrix = stackFeatureTables([table]);
      const forecaster = await OnnxForecaster.load(local(RUN_FILES.onnx), FEATURE_NAMES.length);
      try {
        const { values, outputs } = await forecaster.predict(matrix.data, matrix.nRows);
        const score = nwrmsle({ rows: matrix.nRows, horizons: outputs, predicted: values, actual: matrix.labels, weight: matrix.weight }).overall;
        logger.info({ version: version.version, origin: window.origin, nwrmsle: score }, 'gate: champion rescored');
        return { kind: 'scored', version: version.version, nwrmsle: score, rescored: true };
      } finally {
        await forecaster.release();
      }
    } finally {
      await removeWorkDir(work);
    }
  };
}

/** The artifact-proxy path of a version's model directory, from its source (`mlflow-artifacts:/…` or `runs:/<id>/<path>`). */
export async function versionArtifactPath(client: MlflowClient, version: ModelVersion): Promise<string> {
  const runs = /^runs:\/([^/]+)\/?(.*)$/.exec(version.source);
  if (runs) return runArtifactPath((await client.runs.get(runs[1])).info, runs[2]);
  return runArtifactPath(version.source);
}
