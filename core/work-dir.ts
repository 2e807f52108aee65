import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const inUse = new Set<string>();

/**
 * A private scratch directory for one run under `<cacheDir>/<purpose>/`, named after the process so that
 * directories left by killed runs can be told apart from those of runs still going, and removed.
 */
export async function createWorkDir(cacheDir: string, purpose: string): Promise<string> {
  const base = join(cacheDir, purpose);
  await mkdir(base, { recursive: true });
  for (const name of await readdir(base)) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
    const path = join(base, name);
    if (pid && !inUse.has(path) && (pid === process.pid || !isAlive(pid))) await rm(path, { recursive: true, force: true });
  }
  const dir = join(base, `run-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  inUse.add(dir);
  return dir;
}

/** Removes a directory made by createWorkDir. */
export async function removeWorkDir(dir: string): Promise<void> {
  inUse.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
