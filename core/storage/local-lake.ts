import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { StorageError } from '../errors.js';
import { parseLakeJson, type Lake, type LakeObject } from './lake.js';
import { assertLakeKey } from './lake-key.js';

/** Interrupted writes leave files with this suffix next to their target; listings never show them. */
const PARTIAL_SUFFIX = '.partial';

/** A lake in a local directory. Writes go to a hidden temporary name in the target's directory, then rename. */
export class LocalLake implements Lake {
  readonly location: string;

  constructor(root: string) {
    this.location = resolve(root);
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(key), 'utf8');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new StorageError(`cannot read ${this.pathOf(key)}`, { cause: err });
    }
  }

  async readJson(key: string): Promise<unknown> {
    return parseLakeJson(await this.readText(key), this.pathOf(key));
  }

  async writeJson(key: string, value: unknown): Promise<void> {
    const target = this.pathOf(key);
    await this.atomically(target, async (temp) => {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  async putFile(key: string, localPath: string, options: { move?: boolean } = {}): Promise<void> {
    const target = this.pathOf(key);
    if (options.move) {
      await syncFile(localPath);
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(localPath, target);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw new StorageError(`cannot move ${localPath} to ${target}`, { cause: err });
      }
    }
    await this.atomically(target, async (temp) => {
      // A reflink where the file system offers one (instant for multi-GB raw files), else a plain copy.
      await copyFile(localPath, temp, constants.COPYFILE_FICLONE);
      await syncFile(temp);
    });
    if (options.move) await rm(localPath, { force: true });
  }

  async stat(key: string): Promise<LakeObject | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { key, size: s.size } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new StorageError(`cannot stat ${this.pathOf(key)}`, { cause: err });
    }
  }

  async list(prefix: string): Promise<LakeObject[]> {
    assertLakeKey(prefix, { prefix: true });
    const startKey = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const found: LakeObject[] = [];
    for (const file of await walk(join(this.location, startKey))) {
      const key = startKey + file.relative;
      if (key.startsWith(prefix) && !key.endsWith(PARTIAL_SUFFIX)) found.push({ key, size: file.size });
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (!isNotFound(err)) throw new StorageError(`cannot delete ${this.pathOf(key)}`, { cause: err });
    }
  }

  async materialise(key: string): Promise<string> {
    const path = this.pathOf(key);
    if (!(await this.stat(key))) throw new StorageError(`${path} does not exist`);
    return path;
  }

  async materialisePrefix(prefix: string): Promise<string> {
    assertLakeKey(prefix, { prefix: true });
    const dir = join(this.location, prefix);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async removeIncomplete(prefix: string): Promise<number> {
    assertLakeKey(prefix, { prefix: true });
    const root = join(this.location, prefix);
    let removed = 0;
    for (const file of await walk(root)) {
      if (file.relative.endsWith(PARTIAL_SUFFIX)) {
        await rm(join(root, file.relative), { force: true });
        removed += 1;
      }
    }
    await removeEmptyDirs(root);
    return removed;
  }

  close(): void {}

  private pathOf(key: string): string {
    return join(this.location, assertLakeKey(key));
  }

  private async atomically(target: string, write: (temp: string) => Promise<void>): Promise<void> {
    const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}${PARTIAL_SUFFIX}`);
    try {
      await mkdir(dirname(target), { recursive: true });
      await write(temp);
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err instanceof StorageError ? err : new StorageError(`cannot write ${target}`, { cause: err });
    }
  }
}

interface WalkedFile {
  relative: string;
  size: number;
}

/**
 * Every file below `dir/relative`, in name order. Directories and files of one level are read concurrently: a
 * staged table has a directory per day, and one stat after another took half a second for 950 of them.
 */
async function walk(dir: string, relative = ''): Promise<WalkedFile[]> {
  let entries;
  try {
    entries = await readdir(join(dir, relative), { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw new StorageError(`cannot list ${join(dir, relative)}`, { cause: err });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  const found = await Promise.all(
    entries.map(async (entry): Promise<WalkedFile[]> => {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return walk(dir, rel);
      if (!entry.isFile()) return [];
      try {
        return [{ relative: rel, size: (await stat(join(dir, rel))).size }];
      } catch (err) {
        // A file renamed away by a concurrent writer between readdir and stat is simply not listed.
        if (isNotFound(err)) return [];
        throw err;
      }
    }),
  );
  return found.flat();
}

/** Removes empty directories below (and including) `dir`, deepest first; returns whether `dir` is gone. */
async function removeEmptyDirs(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw err;
  }
  let remaining = entries.length;
  for (const entry of entries) {
    if (entry.isDirectory() && (await removeEmptyDirs(join(dir, entry.name)))) remaining -= 1;
  }
  if (remaining > 0) return false;
  try {
    await rmdir(dir);
    return true;
  } catch {
    return false;
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
