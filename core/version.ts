import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './python-env.js';

let cached: string | undefined;

/** shelfcast's version, from package.json. */
export function shelfcastVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
