import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { RUN_FILES } from '../../training/bundle/index.js';
import type { LoadedModel, ModelRef, ModelSource } from './model-source.js';
import { loadRunDirectoryModel } from './run-directory-model.js';

export interface LocalRunSourceOptions {
  /** A run directory, or a directory of run directories (then the newest complete run is served). */
  readonly path: string;
  /** The name serving reports for the model. */
  readonly modelName: string;
}

/**
 * Models from local run directories (`shelfcast train` output). Pointed at a runs directory it follows the
 * newest complete run, so a finished training is picked up by the next poll; pointed at a symlink it follows
 * the link, so re-pointing the link switches versions. The version is the run id.
 */
export class LocalRunSource implements ModelSource {
  readonly description: string;
  readonly #path: string;
  readonly #modelName: string;

  constructor(options: LocalRunSourceOptions) {
    this.#path = resolve(options.path);
    this.#modelName = options.modelName;
    this.description = `run directory ${this.#path}`;
  }

  async current(): Promise<ModelRef> {
    const dir = await this.#runDirectory();
    const head = await readRunHead(dir);
    if (!head) throw new UsageError(`${dir}: ${RUN_FILES.manifest} is not a shelfcast run manifest`);
    return { name: this.#modelName, version: head.runId, runId: head.runId, location: dir };
  }

  async load(ref: ModelRef): Promise<LoadedModel> {
    return loadRunDirectoryModel(ref.location, ref);
  }

  /** The run directory the path names now (links resolved), or the newest complete run under it. */
  async #runDirectory(): Promise<string> {
    if (!existsSync(this.#path)) throw new UsageError(`--run ${this.#path}: no such directory`);
    const real = await realpath(this.#path);
    if (existsSync(join(real, RUN_FILES.manifest))) return real;
    if (!(await stat(real)).isDirectory()) throw new UsageError(`--run ${this.#path}: not a directory`);
    let newest: { dir: string; createdAt: string } | undefined;
    for (const entry of await readdir(real, { withFileTypes: true })) {
      // Runs are written under a hidden name and renamed into place: hidden entries are unfinished.
      if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
      const dir = join(real, entry.name);
      const head = await readRunHead(dir);
      if (!head) continue;
      if (!newest || head.createdAt > newest.createdAt || (head.createdAt === newest.createdAt && dir > newest.dir)) {
        newest = { dir, createdAt: head.createdAt };
      }
    }
    if (!newest) {
      throw new UsageError(`--run ${this.#path}: neither a run directory (no ${RUN_FILES.manifest}) nor a directory holding complete runs; run \`shelfcast train\` first`);
    }
    return newest.dir;
  }
}

/** The run id and creation time from a run directory's manifest; undefined when there is none or it is not one. */
async function readRunHead(dir: string): Promise<{ runId: string; createdAt: string } | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, RUN_FILES.manifest), 'utf8')) as { format?: unknown; runId?: unknown; createdAt?: unknown };
    if (manifest.format !== 'shelfcast-run' || typeof manifest.runId !== 'string' || typeof manifest.createdAt !== 'string') return undefined;
    return { runId: manifest.runId, createdAt: manifest.createdAt };
  } catch {
    return undefined;
  }
}
