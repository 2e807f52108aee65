import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TrackingNotFoundError, UsageError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { MlflowClient, ModelVersion } from '../../core/mlflow/index.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import { TRACKING_TAGS, versionArtifactPath } from '../../training/tracking/index.js';
import type { LoadedModel, ModelRef, ModelSource } from './model-source.js';
import { formatModelUri, type ModelUri } from './model-uri.js';
import { loadRunDirectoryModel } from './run-directory-model.js';

export interface MlflowModelSourceOptions {
  /** The version to follow: `models:/name@alias`, or one pinned version. */
  readonly uri: ModelUri;
  /** Downloaded versions are kept under `<cacheDir>/models/<name>/`. */
  readonly cacheDir: string;
}

export interface MlflowModelSourceDeps {
  readonly client: MlflowClient;
  readonly logger?: Logger;
}

/**
 * Model versions from the MLflow registry. `current()` asks which version an alias points at (one small call, so
 * serving can poll it and follow `@champion` as the gate or `models promote` moves it); `load()` downloads that
 * version's model directory (its `source`, the run directory publishRun logged) into the cache, checks every file
 * against the bundle's own run.json, and only then moves it into place. A version already in the cache and intact
 * loads without asking the tracker.
 */
export class MlflowModelSource implements ModelSource {
  readonly description: string;
  readonly #uri: ModelUri;
  readonly #cacheDir: string;
  readonly #client: MlflowClient;
  readonly #logger: Logger;

  constructor(options: MlflowModelSourceOptions, deps: MlflowModelSourceDeps) {
    this.#uri = options.uri;
    this.#cacheDir = options.cacheDir;
    this.#client = deps.client;
    this.#logger = deps.logger ?? silentLogger;
    this.description = `${formatModelUri(options.uri)} at ${deps.client.trackingUri}`;
  }

  async current(): Promise<ModelRef> {
    const version = await this.#resolve();
    const runId = version.tags[TRACKING_TAGS.runId];
    if (!runId) {
      throw new UsageError(`${formatModelUri(this.#uri)}: version ${version.version} was not registered by shelfcast (no ${TRACKING_TAGS.runId} tag); register models with \`shelfcast train\` or \`shelfcast runs publish DIR\``);
    }
    return { name: version.name, version: version.version, runId, location: `models:/${version.name}/${version.version}` };
  }

  async load(ref: ModelRef): Promise<LoadedModel> {
    const dir = join(this.#cacheDir, 'models', ref.name, versionDirName(ref));
    if (existsSync(dir)) {
      try {
        const cached = await loadRunDirectoryModel(dir, ref);
        this.#logger.info({ version: ref.version, dir }, 'serve: model version from the download cache');
        return cached;
      } catch (err) {
        this.#logger.warn({ version: ref.version, dir, err: (err as Error).message }, 'serve: cached model version is damaged; downloading it again');
      }
    }
    await this.#download(ref, dir);
    return loadRunDirectoryModel(dir, ref);
  }

  /** Downloads a version aside, checks it, then renames it into `dir` (replacing a damaged copy). */
  async #download(ref: ModelRef, dir: string): Promise<void> {
    const version = await this.#client.registry.getVersion(ref.name, ref.version);
    const artifactPath = await versionArtifactPath(this.#client, version);
    // A scratch directory of this process under the cache: on the same file system, so the rename is atomic, and
    // removed by a later run if this process dies halfway.
    const work = await createWorkDir(this.#cacheDir, 'model-downloads');
    try {
      const aside = join(work, 'model');
      const started = performance.now();
      const moved = await this.#client.artifacts.downloadDirectory(artifactPath, aside);
      if (moved.files === 0) throw new TrackingNotFoundError(`version ${ref.version} of model ${ref.name}: no files under its source ${version.source}`);
      await loadRunDirectoryModel(aside, ref);
      await mkdir(join(dir, '..'), { recursive: true });
      await rm(dir, { recursive: true, force: true });
      try {
        await rename(aside, dir);
      } catch (err) {
        // Another server sharing the cache placed the same version first: theirs is as good as ours.
        if (!existsSync(dir)) throw err;
      }
      this.#logger.info({ version: ref.version, files: moved.files, bytes: moved.bytes, seconds: Math.round(performance.now() - started) / 1000 }, 'serve: model version downloaded');
    } finally {
      await removeWorkDir(work);
    }
  }

  async #resolve(): Promise<ModelVersion> {
    const { name, alias, version } = this.#uri;
    try {
      return alias !== undefined ? await this.#client.registry.getVersionByAlias(name, alias) : await this.#client.registry.getVersion(name, version);
    } catch (err) {
      if (!(err instanceof TrackingNotFoundError)) throw err;
      const what = alias !== undefined ? `no version has the alias @${alias} yet` : `there is no version ${version}`;
      const fix = alias === 'champion' ? '`shelfcast train` registers a version and its promotion gate makes it champion, or `shelfcast models promote VERSION`' : '`shelfcast models list` shows the versions there are';
      throw new UsageError(`${formatModelUri(this.#uri)} at ${this.#client.trackingUri}: ${what}; ${fix}`, { cause: err });
    }
  }
}

/** The cache directory name of a version: the version and the run it holds, so two registries never share one. */
function versionDirName(ref: ModelRef): string {
  return `v${ref.version}-${ref.runId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
