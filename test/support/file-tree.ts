import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under `dir` (relative path → sha256 of its bytes), for byte-for-byte comparisons of lakes. */
export async function fileTree(dir: string, relative = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries;
  try {
    entries = await readdir(join(dir, relative), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = relative ? `${relative}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, await fileTree(dir, rel));
    else out[rel] = createHash('sha256').update(await readFile(join(dir, rel))).digest('hex');
  }
  return out;
}
