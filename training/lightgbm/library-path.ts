import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { venvDir } from '../../core/python-env.js';

/** Where to find `lib_lightgbm.so`: an explicit path wins; otherwise the lightgbm wheel inside a Python venv. */
export interface LightGbmLibraryOptions {
  /** Path of `lib_lightgbm.so` itself. */
  libraryPath?: string;
  /** Python virtual environment whose `lightgbm` wheel carries the library. */
  venvDir?: string;
}

/** Where the lightgbm wheel puts its shared library, relative to a venv's `lib/python3.N/` folder. */
const WHEEL_LIBRARY = join('site-packages', 'lightgbm', 'lib', 'lib_lightgbm.so');

/**
 * The default resolver, for entry points only: `SHELFCAST_LIGHTGBM_LIB` as the explicit library path, and the
 * project venv (`SHELFCAST_VENV` or `.venv`, see core/python-env) to search otherwise.
 */
export function lightGbmLibraryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LightGbmLibraryOptions {
  const libraryPath = env.SHELFCAST_LIGHTGBM_LIB?.trim();
  return { libraryPath: libraryPath ? libraryPath : undefined, venvDir: venvDir(env) };
}

/**
 * The absolute path of `lib_lightgbm.so`: `libraryPath` when given, else the newest
 * `<venvDir>/lib/python3.N/site-packages/lightgbm/lib/lib_lightgbm.so`. A ConfigError names the fix when absent.
 */
export function resolveLightGbmLibraryPath(options: LightGbmLibraryOptions): string {
  if (options.libraryPath !== undefined) {
    const path = resolve(options.libraryPath);
    if (!existsSync(path)) {
      throw new ConfigError(
        `LightGBM library ${path} does not exist (SHELFCAST_LIGHTGBM_LIB must name lib_lightgbm.so itself)`,
      );
    }
    return path;
  }
  if (options.venvDir === undefined) {
    throw new ConfigError('no LightGBM library path and no Python venv to search: set SHELFCAST_LIGHTGBM_LIB');
  }
  const venv = resolve(options.venvDir);
  const pattern = join(venv, 'lib', 'python3.*', WHEEL_LIBRARY);
  for (const pythonDir of pythonDirsNewestFirst(join(venv, 'lib'))) {
    const candidate = join(venv, 'lib', pythonDir, WHEEL_LIBRARY);
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError(
    `LightGBM library not found at ${pattern}: run \`npm run setup\` to install the pinned lightgbm wheel, ` +
      'or set SHELFCAST_LIGHTGBM_LIB to the path of lib_lightgbm.so',
  );
}

/** `python3.N` folder names under a venv's lib/, highest N first (a venv normally has exactly one). */
function pythonDirsNewestFirst(libDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(libDir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, minor: /^python3\.(\d+)$/.exec(name)?.[1] }))
    .filter((entry): entry is { name: string; minor: string } => entry.minor !== undefined)
    .sort((a, b) => Number(b.minor) - Number(a.minor))
    .map((entry) => entry.name);
}
