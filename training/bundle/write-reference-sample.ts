import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { duckDbTypeOf, writeColumn } from '../../core/duckdb-columns.js';
import { sqlString } from '../../core/duckdb-session.js';
import { withScratchDuckDb } from '../../core/scratch-duckdb.js';
import { layoutOf, referenceArrays, type ReferenceSample } from './reference-sample.js';

/** Rows of one DuckDB data chunk. */
const CHUNK_ROWS = 2048;

/**
 * Writes a reference sample as Parquet (columns in referenceLayout order, NULL where a value is NaN) through
 * DuckDB, column by column from the sample's arrays. The file is written under a temporary name and renamed, so it
 * appears complete or not at all.
 *
 * @example await writeReferenceSample(join(dir, RUN_FILES.referenceSample), sample, { cacheDir })
 */
export async function writeReferenceSample(path: string, sample: ReferenceSample, deps: { readonly cacheDir: string }): Promise<void> {
  const layout = layoutOf(sample);
  const arrays = referenceArrays(sample);
  arrays.forEach((a, i) => {
    if (a.length !== sample.rows) throw new RangeError(`reference column ${layout[i].name} has ${a.length} values for ${sample.rows} rows`);
  });
  await withScratchDuckDb(deps.cacheDir, 'reference-sample', async (db) => {
    let next = 0;
    db.registerChunkSource('reference_rows', layout.map((c) => ({ name: c.name, type: duckDbTypeOf(c.type) })), {
      start: () => {
        next = 0;
      },
      next: (chunk) => {
        const n = Math.min(CHUNK_ROWS, sample.rows - next);
        chunk.rowCount = n;
        if (n === 0) return;
        layout.forEach((c, i) => writeColumn(chunk, i, c.type, arrays[i].subarray(next, next + n) as never, true));
        next += n;
      },
    });
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
    try {
      await db.run(`COPY (FROM reference_rows()) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  });
}
