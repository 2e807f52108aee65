/** The run directory / model bundle: the exported model, the boosters, the feature spec, scores and reports. */
export { OnnxForecaster } from './onnx-forecaster.js';
export { checkOnnxParity, PARITY_TOLERANCE, type ParityReport } from './onnx-parity.js';
export { boosterFile, readRunBundle, RUN_FILES, runManifestSchema, writeRunBundle, type RunBundle, type RunBundleContents, type RunBundleDeps, type RunManifest } from './run-bundle.js';
export { DEFAULT_REFERENCE_SAMPLE, drawReferenceSample, type ReferenceSampleSettings } from './draw-reference-sample.js';
export { predictionColumn, REFERENCE_KEYS, referenceLayout, type ReferenceColumn, type ReferenceSample } from './reference-sample.js';
export { readReferenceSample } from './read-reference-sample.js';
export { writeReferenceSample } from './write-reference-sample.js';
export { MLFLOW_MODEL_FILES, mlflowModelFiles, type MlflowModelInput } from './mlflow-model.js';
export { MODEL_PACKAGES, pinnedVersions, projectModelEnvironment, type ModelEnvironment } from './model-environment.js';
