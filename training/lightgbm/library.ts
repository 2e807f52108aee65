import { realpathSync } from 'node:fs';
import { ConfigError, TrainingError } from '../../core/errors.js';
import { loadLightGbmCApi, type LightGbmCApi } from './c-api.js';
import {
  lightGbmLibraryOptionsFromEnv,
  resolveLightGbmLibraryPath,
  type LightGbmLibraryOptions,
} from './library-path.js';

/** Key under which a library exposes its raw C API to the Dataset and Booster classes (not re-exported). */
export const cApi = Symbol('lightgbm.cApi');

/** Libraries already opened in this process, by real path: dlopen and the function table are done once. */
const opened = new Map<string, LightGbmLibrary>();

/** A loaded `lib_lightgbm.so`: what `Dataset` and `Booster` call into. */
export class LightGbmLibrary {
  /** Real path of the loaded shared library. */
  readonly path: string;
  readonly #api: LightGbmCApi;

  private constructor(path: string, api: LightGbmCApi) {
    this.path = path;
    this.#api = api;
  }

  /**
   * Opens the library (once per path and process). Options default to `lightGbmLibraryOptionsFromEnv()`;
   * a ConfigError says what to install or set when it is missing or cannot be loaded.
   */
  static open(options: LightGbmLibraryOptions = lightGbmLibraryOptionsFromEnv()): LightGbmLibrary {
    const path = realpathSync(resolveLightGbmLibraryPath(options));
    const existing = opened.get(path);
    if (existing) return existing;
    preferPassiveOpenMpWaits();
    let api: LightGbmCApi;
    try {
      api = loadLightGbmCApi(path);
    } catch (err) {
      throw new ConfigError(
        `cannot load the LightGBM library ${path}: ${(err as Error).message} ` +
          '(it needs the OpenMP runtime, Debian package libgomp1)',
        { cause: err },
      );
    }
    const library = new LightGbmLibrary(path, api);
    opened.set(path, library);
    return library;
  }

  /** The raw C API; for the binding's own classes. */
  get [cApi](): LightGbmCApi {
    return this.#api;
  }
}

/**
 * OpenMP threads that wait actively spin on their core between parallel regions. On a machine where other work
 * competes for the cores (DuckDB, a server, another training), the spinning threads starve the ones doing the
 * work: LightGBM with 2 threads ran 7× slower than with passive waits while the 2 cores were shared. The OpenMP
 * runtime reads OMP_WAIT_POLICY once, when it is loaded with LightGBM, so it is set here unless the user chose.
 */
function preferPassiveOpenMpWaits(env: NodeJS.ProcessEnv = process.env): void {
  env.OMP_WAIT_POLICY ??= 'passive';
}

/**
 * Throws a TrainingError carrying LightGBM's last error text when a C API call returned non-zero.
 * `what` says what the caller was doing, so the message reads "<what> (<function>): <LightGBM's text>".
 */
export function checkCall(library: LightGbmLibrary, rc: number, fn: keyof LightGbmCApi, what: string): void {
  if (rc === 0) return;
  const api = library[cApi];
  throw new TrainingError(`${what} failed (${fn}): ${api.LGBM_GetLastError()}`);
}
