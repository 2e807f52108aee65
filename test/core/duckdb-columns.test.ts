import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readColumn, writeColumn, duckDbTypeOf } from '../../core/duckdb-columns.js';
import { DuckDbSession } from '../../core/duckdb-session.js';
import { tempDirs } from '../support/temp-dirs.js';

const dirs = tempDirs();
let db: DuckDbSession;

beforeAll(async () => {
  db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: await dirs.make('duckdb') });
});
afterAll(async () => {
  db.close();
  await dirs.cleanup();
});

describe('readColumn', () => {
  it('copies whole columns of every chunk, in order, into typed arrays', async () => {
    const rows = 5000; // three chunks
    const ints = new Int32Array(rows);
    const doubles = new Float64Array(rows);
    const floats = new Float32Array(rows);
    let at = 0;
    for await (const chunk of db.chunks(`SELECT (i * 3 - 7)::INTEGER, i / 7.0, (i / 4.0)::FLOAT FROM range(${rows}) t(i) ORDER BY i`)) {
      readColumn(chunk, 0, 'int32', ints, at);
      readColumn(chunk, 1, 'float64', doubles, at);
      readColumn(chunk, 2, 'float32', floats, at);
      at += chunk.rowCount;
    }
    expect(at).toBe(rows);
    for (const i of [0, 1, 2047, 2048, 4095, 4999]) {
      expect(ints[i]).toBe(i * 3 - 7);
      expect(doubles[i]).toBe(i / 7);
      expect(floats[i]).toBe(Math.fround(i / 4));
    }
  });

  it('refuses a column of another type or with NULLs instead of reading wrong bytes', async () => {
    const target = new Int32Array(4);
    for await (const chunk of db.chunks('SELECT 1::BIGINT AS a, CASE WHEN i = 2 THEN NULL ELSE i END::INTEGER AS b FROM range(4) t(i)')) {
      expect(() => readColumn(chunk, 0, 'int32', target)).toThrow(/column 0 is BIGINT, expected INTEGER/);
      expect(() => readColumn(chunk, 1, 'int32', target)).toThrow(/column 1 holds NULL values/);
    }
  });
});

describe('writeColumn through a chunk source', () => {
  it('streams rows into a query, NaN as NULL where asked, and fails the query with the source error', async () => {
    const rows = 3000;
    let next = 0;
    db.registerChunkSource('numbers', [
      { name: 'n', type: duckDbTypeOf('int32') },
      { name: 'half', type: duckDbTypeOf('float32') },
    ], {
      start: () => {
        next = 0;
      },
      next: (chunk) => {
        const n = Math.min(2048, rows - next);
        chunk.rowCount = n;
        if (n === 0) return;
        const ids = Int32Array.from({ length: n }, (_, i) => next + i);
        const halves = Float32Array.from(ids, (id) => (id % 10 === 0 ? NaN : id / 2));
        writeColumn(chunk, 0, 'int32', ids);
        writeColumn(chunk, 1, 'float32', halves, true);
        next += n;
      },
    });
    const [summary] = await db.rows<{ n: string; nulls: string; total: number; last: number }>(
      'SELECT count(*)::VARCHAR AS n, count(*) FILTER (WHERE half IS NULL)::VARCHAR AS nulls, sum(half)::DOUBLE AS total, last(n)::INTEGER AS last FROM numbers()',
    );
    expect(summary).toEqual({ n: '3000', nulls: '300', total: (rows * (rows - 1)) / 4 - 10 * ((300 * 299) / 4), last: 2999 });
    // A second scan starts over.
    expect((await db.rows<{ n: string }>('SELECT count(*)::VARCHAR AS n FROM numbers()'))[0].n).toBe('3000');

    db.registerChunkSource('broken', [{ name: 'n', type: duckDbTypeOf('int32') }], {
      start: () => {},
      next: () => {
        throw new Error('the feature grid is gone');
      },
    });
    await expect(db.rows('SELECT * FROM broken()')).rejects.toThrow(/the feature grid is gone/);
  });

  it('refuses values whose length is not the chunk row count', async () => {
    db.registerChunkSource('short', [{ name: 'n', type: duckDbTypeOf('int32') }], {
      start: () => {},
      next: (chunk) => {
        chunk.rowCount = 3;
        writeColumn(chunk, 0, 'int32', new Int32Array(2));
      },
    });
    await expect(db.rows('SELECT * FROM short()')).rejects.toThrow(/2 values for a chunk of 3 rows/);
  });
});
