import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { projectRoot, venvDir } from '../../core/python-env.js';

/** The Python environment MLflow needs to load a run's model (`mlflow models serve|predict`, pyfunc). */
export interface ModelEnvironment {
  /** e.g. "3.11.7". */
  readonly python: string;
  /** Pinned pip requirements, e.g. `mlflow==3.17.2`. */
  readonly requirements: readonly string[];
}

/** What mlflow.onnx needs to load and run a model (as its get_default_pip_requirements says), plus mlflow itself. */
export const MODEL_PACKAGES = ['mlflow', 'onnx', 'onnxruntime'] as const;

/**
 * The environment the project's own venv provides: MODEL_PACKAGES at the versions requirements.txt pins, and the
 * venv's Python version (from its pyvenv.cfg). A ConfigError names what is missing.
 */
export function projectModelEnvironment(env: NodeJS.ProcessEnv = process.env): ModelEnvironment {
  const requirementsFile = join(projectRoot(), 'requirements.txt');
  const pins = pinnedVersions(readFileSync(requirementsFile, 'utf8'));
  const requirements = MODEL_PACKAGES.map((name) => {
    const version = pins.get(name);
    if (!version) throw new ConfigError(`${requirementsFile} pins no version of ${name}, which a logged model needs`);
    return `${name}==${version}`;
  });
  return { python: venvPythonVersion(venvDir(env)), requirements };
}

/** `name==version` lines of a requirements file, by normalised name (PEP 503: case and `-_.` runs folded). */
export function pinnedVersions(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)/.exec(line);
    if (match) pins.set(normalizeName(match[1]), match[2]);
  }
  return pins;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function venvPythonVersion(dir: string): string {
  const cfg = join(dir, 'pyvenv.cfg');
  if (!existsSync(cfg)) throw new ConfigError(`${cfg} not found: run \`npm run setup\` to create the Python environment (or set SHELFCAST_VENV)`);
  const match = /^\s*(?:version|version_info)\s*=\s*(\d+\.\d+(?:\.\d+)?)/m.exec(readFileSync(cfg, 'utf8'));
  if (!match) throw new ConfigError(`${cfg} names no Python version`);
  return match[1];
}
