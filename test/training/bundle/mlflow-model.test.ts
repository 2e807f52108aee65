/** The MLmodel file and its environment files, read back with PyYAML and MLflow's own Model class in the project venv. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { venvBin } from '../../../core/python-env.js';
import { MLFLOW_MODEL_FILES, mlflowModelFiles, pinnedVersions, projectModelEnvironment } from '../../../training/bundle/index.js';
import { toYaml, type YamlValue } from '../../../training/bundle/yaml-text.js';

/** Runs Python with a JSON argument and parses the JSON it prints. */
async function python(code: string, arg: unknown): Promise<unknown> {
  const { stdout } = await promisify(execFile)(venvBin('python'), ['-c', code, JSON.stringify(arg)], { env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  return JSON.parse(stdout);
}

const TRICKY: YamlValue = {
  versions: ['3.11', '3.11.7', '1e3', '0x1F', '007', '.5', '-1'],
  words: ['yes', 'No', 'on', 'OFF', 'null', '~', 'true', 'y'],
  text: ['a: b', '- item', '#comment', 'quote " and \\ backslash', 'tab\there', 'line\nbreak', '', ' padded ', 'ünïcode ✓', '@at', '`tick`', '{x}', '[y]', '*ref', '&anchor', '!tag', '%pct', 'a #b'],
  plain: ['mlflow.onnx', 'model.onnx', 'CPUExecutionProvider', 'mlflow==3.17.2', 'python=3.11.7', '/abs/path'],
  numbers: [0, -2, 3.25, 1e-7, 2.5e21, -1e300],
  flags: [true, false, null],
  nested: { list: [{ pip: ['a==1', 'b==2'] }, 'c', []], empty: {}, deep: { deeper: { value: 'x' } } },
};

describe('toYaml', () => {
  it('writes what PyYAML safe_load reads back as the same value, strings that look like other types included', async () => {
    const docs = [TRICKY, ['x', { a: 1 }], { 'key with: colon': 'v', '3': 'numeric key' }];
    const back = await python('import sys, json, yaml; print(json.dumps([yaml.safe_load(d) for d in json.loads(sys.argv[1])]))', docs.map(toYaml));
    expect(back).toEqual(docs);
  });

  it('leaves out undefined fields and writes lists at the key’s indentation, as PyYAML does', () => {
    expect(toYaml({ a: undefined, b: ['x', { c: ['z'] }] })).toBe('b:\n- x\n- c:\n  - z\n');
  });
});

describe('the MLflow model files', () => {
  it('pin what requirements.txt pins, at the versions the project venv has installed', async () => {
    const env = projectModelEnvironment();
    const installed = (await python(
      'import sys, json, platform, mlflow, onnx, onnxruntime; print(json.dumps([platform.python_version(), mlflow.__version__, onnx.__version__, onnxruntime.__version__]))',
      null,
    )) as string[];
    expect(env).toEqual({ python: installed[0], requirements: [`mlflow==${installed[1]}`, `onnx==${installed[2]}`, `onnxruntime==${installed[3]}`] });
    expect(pinnedVersions('# c\nFoo_Bar==1.2 ; python_version>"3"\nmoto[server]==5.2.5\nx>=1\n')).toEqual(new Map([['foo-bar', '1.2'], ['moto', '5.2.5']]));
  });

  it('are read by MLflow as an onnx + python_function model with a tensor signature', async () => {
    const files = mlflowModelFiles({
      onnxFile: 'model.onnx',
      featureCount: 631,
      outputs: 16,
      environment: { python: '3.11.7', requirements: ['mlflow==3.17.2', 'onnx==1.23.2', 'onnxruntime==1.31.1'] },
      createdAt: '2026-01-02T03:04:05.678Z',
      modelUuid: '0123456789abcdef0123456789abcdef',
      metadata: { shelfcast_run_id: 'r1', validation_origin: '2017-07-26' },
    });
    expect(Object.keys(files).sort()).toEqual(Object.values(MLFLOW_MODEL_FILES).sort());
    const read = await python(
      [
        'import sys, json, tempfile, os, yaml',
        'from mlflow.models import Model',
        'from mlflow.utils.environment import _PythonEnv',
        'files = json.loads(sys.argv[1]); d = tempfile.mkdtemp()',
        'for name, text in files.items(): open(os.path.join(d, name), "w").write(text)',
        'm = Model.load(os.path.join(d, "MLmodel"))',
        'env = _PythonEnv.from_yaml(os.path.join(d, "python_env.yaml"))',
        'print(json.dumps({"flavors": m.flavors, "inputs": m.signature.inputs.to_dict(), "outputs": m.signature.outputs.to_dict(),',
        '  "metadata": m.metadata, "uuid": m.model_uuid, "created": m.utc_time_created, "mlflow": m.mlflow_version,',
        '  "python_env": env.to_dict(), "conda": yaml.safe_load(files["conda.yaml"])}))',
      ].join('\n'),
      files,
    );
    expect(read).toEqual({
      flavors: {
        onnx: { data: 'model.onnx', onnx_version: '1.23.2', providers: ['CPUExecutionProvider'] },
        python_function: { data: 'model.onnx', env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' }, loader_module: 'mlflow.onnx', python_version: '3.11.7' },
      },
      inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 631] } }],
      outputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 16] } }],
      metadata: { shelfcast_run_id: 'r1', validation_origin: '2017-07-26' },
      uuid: '0123456789abcdef0123456789abcdef',
      created: '2026-01-02 03:04:05.678',
      mlflow: '3.17.2',
      python_env: { python: '3.11.7', build_dependencies: ['pip', 'setuptools', 'wheel'], dependencies: ['-r requirements.txt'] },
      conda: { channels: ['conda-forge'], dependencies: ['python=3.11.7', 'pip', { pip: ['mlflow==3.17.2', 'onnx==1.23.2', 'onnxruntime==1.31.1'] }], name: 'mlflow-env' },
    });
  });
});
