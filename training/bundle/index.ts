/** The run directory / model bundle: the exported model, the boosters, the feature spec, scores and reports. */
export { OnnxForecaster } from './onnx-forecaster.js';
export { checkOnnxParity, PARITY_TOLERANCE, type ParityReport } from './onnx-parity.js';
export { boosterFile, readRunBundle, RUN_FILES, runManifestSchema, writeRunBundle, type RunBundle, type RunBundleContents, type RunManifest } from './run-bundle.js';
export { MLFLOW_MODEL_FILES, mlflowModelFiles, type MlflowModelInput } from './mlflow-model.js';
export { MODEL_PACKAGES, pinnedVersions, projectModelEnvironment, type ModelEnvironment } from './model-environment.js';
