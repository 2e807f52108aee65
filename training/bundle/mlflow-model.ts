import { ConfigError } from '../../core/errors.js';
import type { ModelEnvironment } from './model-environment.js';
import { toYaml } from './yaml-text.js';

/** The files that make a run directory an MLflow model (`mlflow/models/model.py`, `mlflow/onnx/__init__.py`). */
export const MLFLOW_MODEL_FILES = {
  mlmodel: 'MLmodel',
  condaEnv: 'conda.yaml',
  pythonEnv: 'python_env.yaml',
  requirements: 'requirements.txt',
} as const;

/** What the MLmodel file describes. */
export interface MlflowModelInput {
  /** The model file inside the directory. */
  readonly onnxFile: string;
  readonly featureCount: number;
  readonly outputs: number;
  readonly environment: ModelEnvironment;
  /** When the run wrote the model (ISO 8601). */
  readonly createdAt: string;
  /** A 32-hex-digit id of this model copy, as MLflow's model_uuid. */
  readonly modelUuid: string;
  /** Shown by MLflow as the model's metadata. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The MLmodel file and environment files of an ONNX model as mlflow.onnx.save_model writes them: the `onnx`
 * flavor (what mlflow.onnx.load_model reads) and the `python_function` flavor with mlflow.onnx as loader (what
 * `mlflow models serve|predict` and pyfunc use), and a tensor signature: float32 [N, features] in, [N, outputs] out.
 * Only the CPU provider is listed: onnxruntime skips listed providers it lacks, but the model needs no other.
 */
export function mlflowModelFiles(input: MlflowModelInput): Record<string, string> {
  const version = (name: string): string => {
    const pin = input.environment.requirements.find((r) => r.startsWith(`${name}==`));
    if (!pin) throw new ConfigError(`the model environment pins no version of ${name}`);
    return pin.slice(name.length + 2);
  };
  const tensor = (columns: number): string => JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, columns] } }]);
  const mlmodel = toYaml({
    flavors: {
      onnx: { data: input.onnxFile, onnx_version: version('onnx'), providers: ['CPUExecutionProvider'] },
      python_function: {
        data: input.onnxFile,
        env: { conda: MLFLOW_MODEL_FILES.condaEnv, virtualenv: MLFLOW_MODEL_FILES.pythonEnv },
        loader_module: 'mlflow.onnx',
        python_version: input.environment.python,
      },
    },
    metadata: { ...input.metadata },
    mlflow_version: version('mlflow'),
    model_uuid: input.modelUuid,
    signature: { inputs: tensor(input.featureCount), outputs: tensor(input.outputs), params: null },
    // MLflow's own form: naive UTC, space-separated.
    utc_time_created: new Date(input.createdAt).toISOString().replace('T', ' ').replace('Z', ''),
  });
  const condaEnv = toYaml({
    channels: ['conda-forge'],
    dependencies: [`python=${input.environment.python}`, 'pip', { pip: [...input.environment.requirements] }],
    name: 'mlflow-env',
  });
  const pythonEnv = toYaml({
    python: input.environment.python,
    build_dependencies: ['pip', 'setuptools', 'wheel'],
    dependencies: [`-r ${MLFLOW_MODEL_FILES.requirements}`],
  });
  return {
    [MLFLOW_MODEL_FILES.mlmodel]: mlmodel,
    [MLFLOW_MODEL_FILES.condaEnv]: condaEnv,
    [MLFLOW_MODEL_FILES.pythonEnv]: pythonEnv,
    [MLFLOW_MODEL_FILES.requirements]: `${input.environment.requirements.join('\n')}\n`,
  };
}
