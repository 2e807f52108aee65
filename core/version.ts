import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './python-env.js';

let cached: string | undefined;

/** shelfcast's version, from package.json. */
export function shelfcastVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}

/**
 * The commit the project's source tree is checked out at, read from its `.git` files (HEAD, the branch ref or
 * packed-refs); undefined outside a checkout, such as in an image built from a copy of the sources.
 */
export function sourceCommit(root: string = projectRoot()): string | undefined {
  const gitDir = join(root, '.git');
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!ref) return /^[0-9a-f]{40,64}$/.test(head) ? head : undefined;
    const loose = join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim() || undefined;
    const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
    return packed.split('\n').find((line) => line.endsWith(` ${ref}`))?.split(' ')[0];
  } catch {
    return undefined;
  }
}
