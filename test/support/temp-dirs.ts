import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LakeConfig } from '../../core/storage/open-lake.js';

/** A fresh directory under the OS temp dir; `cleanup` removes every directory made so far. */
export function tempDirs(): { make(name: string): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make(name) {
      const dir = await mkdtemp(join(tmpdir(), `shelfcast-${name}-`));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Lake settings for a local lake in tests (the S3 part is unused by a local lake). */
export function localLakeConfig(lake: string, cacheDir: string): LakeConfig {
  return { lake, cacheDir, s3: { region: 'us-east-1' } };
}
