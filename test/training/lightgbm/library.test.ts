import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { venvDir } from '../../../core/python-env.js';
import {
  LightGbmLibrary,
  lightGbmLibraryOptionsFromEnv,
  resolveLightGbmLibraryPath,
} from '../../../training/lightgbm/index.js';

const realLibrary = resolveLightGbmLibraryPath({ venvDir: venvDir() });
const scratch = mkdtempSync(join(tmpdir(), 'shelfcast-lgbm-lib-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A venv-shaped folder whose python3.N site-packages hold links to the real library. */
function venvWith(pythonDirs: string[]): string {
  const venv = mkdtempSync(join(scratch, 'venv-'));
  for (const dir of pythonDirs) {
    const libDir = join(venv, 'lib', dir, 'site-packages', 'lightgbm', 'lib');
    mkdirSync(libDir, { recursive: true });
    symlinkSync(realLibrary, join(libDir, 'lib_lightgbm.so'));
  }
  return venv;
}

describe('resolveLightGbmLibraryPath', () => {
  it('finds lib_lightgbm.so of the lightgbm wheel in the project venv', () => {
    expect(realLibrary).toMatch(/\/lib\/python3\.\d+\/site-packages\/lightgbm\/lib\/lib_lightgbm\.so$/);
    expect(realLibrary.startsWith(venvDir())).toBe(true);
  });

  it('prefers the newest python3.N folder (numerically, not by text)', () => {
    const venv = venvWith(['python3.9', 'python3.12', 'python3.11']);
    expect(resolveLightGbmLibraryPath({ venvDir: venv })).toBe(
      join(venv, 'lib', 'python3.12', 'site-packages', 'lightgbm', 'lib', 'lib_lightgbm.so'),
    );
  });

  it('uses an explicit library path over the venv', () => {
    expect(resolveLightGbmLibraryPath({ libraryPath: realLibrary, venvDir: join(scratch, 'absent') })).toBe(realLibrary);
  });

  it('says how to fix a missing library', () => {
    const absent = join(scratch, 'no-venv');
    expect(() => resolveLightGbmLibraryPath({ venvDir: absent })).toThrowError(
      new ConfigError(
        `LightGBM library not found at ${absent}/lib/python3.*/site-packages/lightgbm/lib/lib_lightgbm.so: run ` +
          '`npm run setup` to install the pinned lightgbm wheel, or set SHELFCAST_LIGHTGBM_LIB to the path of lib_lightgbm.so',
      ),
    );
    expect(() => resolveLightGbmLibraryPath({ libraryPath: join(scratch, 'nope.so') })).toThrowError(
      `LightGBM library ${join(scratch, 'nope.so')} does not exist (SHELFCAST_LIGHTGBM_LIB must name lib_lightgbm.so itself)`,
    );
  });
});

describe('lightGbmLibraryOptionsFromEnv', () => {
  it('reads SHELFCAST_LIGHTGBM_LIB and the venv from the given environment only', () => {
    // Absolute, as the options resolve paths; made up, so nothing on this machine is named.
    const library = resolve('example-lgbm', 'lib_lightgbm.so');
    const venv = resolve('example-venv');
    const env = { SHELFCAST_LIGHTGBM_LIB: library, SHELFCAST_VENV: venv };
    expect(lightGbmLibraryOptionsFromEnv(env)).toEqual({ libraryPath: library, venvDir: venv });
    expect(lightGbmLibraryOptionsFromEnv({ SHELFCAST_LIGHTGBM_LIB: '  ', SHELFCAST_VENV: venv }).libraryPath).toBeUndefined();
  });
});

describe('LightGbmLibrary.open', () => {
  it('loads the library once per real path', () => {
    const a = LightGbmLibrary.open({ venvDir: venvDir() });
    const b = LightGbmLibrary.open({ libraryPath: realLibrary });
    const c = LightGbmLibrary.open({ venvDir: venvWith(['python3.11']) });
    expect(a.path).toBe(realpathSync(realLibrary));
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('turns a file that is not a loadable library into a ConfigError that keeps the cause', () => {
    const notALibrary = join(dirname(fileURLToPath(import.meta.url)), 'lightgbm_reference.py');
    let error: unknown;
    try {
      LightGbmLibrary.open({ libraryPath: notALibrary });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      new RegExp(
        `^cannot load the LightGBM library ${escapeRegExp(notALibrary)}: .+ ` +
          '\\(it needs the OpenMP runtime, Debian package libgomp1\\)$',
      ),
    );
    expect((error as ConfigError).cause).toBeInstanceOf(Error);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
