import { join } from 'node:path';
import { DuckDbSession } from './duckdb-session.js';
import { createWorkDir, removeWorkDir } from './work-dir.js';

/**
 * Runs `work` on a small in-memory DuckDB (one thread, 512 MB) that may spill into a scratch directory under
 * `<cacheDir>/<purpose>/`; the database is closed and the directory removed afterwards, whatever happens.
 */
export async function withScratchDuckDb<T>(cacheDir: string, purpose: string, work: (db: DuckDbSession) => Promise<T>): Promise<T> {
  const workDir = await createWorkDir(cacheDir, purpose);
  let db: DuckDbSession | undefined;
  try {
    db = await DuckDbSession.open({ memoryLimit: '512MB', threads: 1, tempDirectory: join(workDir, 'duckdb-tmp') });
    return await work(db);
  } finally {
    db?.close();
    await removeWorkDir(workDir);
  }
}
