import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';

/** The project's root directory (where package.json sits), whether running from sources or from dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new ConfigError('cannot find the shelfcast project root (no package.json above this module)');
    dir = parent;
  }
  return dir;
}

/**
 * The Python virtual environment that carries the external Python systems (MLflow, Prefect, Evidently, the
 * LightGBM wheel, the test servers): `SHELFCAST_VENV` if set, else `.venv` in the project root, which
 * `scripts/setup.sh` creates from `requirements.txt`.
 */
export function venvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHELFCAST_VENV ? resolve(env.SHELFCAST_VENV) : join(projectRoot(), '.venv');
}

/** Path of an executable inside the virtual environment; a ConfigError naming the fix when it is missing. */
export function venvBin(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = join(venvDir(env), 'bin', name);
  if (!existsSync(path)) {
    throw new ConfigError(`${path} not found: run \`npm run setup\` to create the Python environment (or set SHELFCAST_VENV)`);
  }
  return path;
}
