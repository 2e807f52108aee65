import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbSession, sqlString } from '../../../core/duckdb-session.js';
import { ingest, type IngestReport } from '../../../pipelines/ingest/index.js';
import { generateDataset, type GenerateSummary } from '../../../pipelines/synthetic/index.js';
import { queryStaging } from '../../support/staging-reader.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
let data: string;
let lake: string;
let cache: string;
let generated: GenerateSummary;
let report: IngestReport;

/** Rows per date of CSV files, read by DuckDB's own type detection rather than the ingest contract. */
async function sourceRowsPerDate(glob: string): Promise<Map<string, number>> {
  const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(cache, 'check-tmp') });
  try {
    const rows = await db.rows<{ d: string; n: string }>(`SELECT date::VARCHAR AS d, count(*) AS n FROM read_csv(${sqlString(glob)}) GROUP BY 1 ORDER BY 1`);
    return new Map(rows.map((r) => [r.d, Number(r.n)]));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  data = await dirs.make('tiny');
  lake = await dirs.make('lake');
  cache = await dirs.make('cache');
  generated = await generateDataset({ scale: 'tiny', seed: 42, outDir: data, daily: 3 });
  report = await ingest({ source: data }, { config: localLakeConfig(lake, cache) });
});
afterAll(() => dirs.cleanup());

describe('ingest of the generated tiny dataset', () => {
  it('loads every top-level file and leaves the daily drops of the subdirectory for later', () => {
    expect(report.files.loaded.map((f) => f.kind).sort()).toEqual(['holidays_events', 'items', 'oil', 'stores', 'test', 'train', 'transactions']);
    expect(report.files.skipped.map((s) => s.name)).toEqual(generated.files.filter((f) => f.file.startsWith('daily/')).map((f) => f.file));
    const trainFile = generated.files.find((f) => f.file === 'train.csv')!;
    expect(report.files.loaded.find((f) => f.kind === 'train')!.rows).toBe(trainFile.rows);
  });

  it('stages each date with the row count of the source and the contract types', async () => {
    const staged = await queryStaging<{ d: string; n: string }>(lake, 'SELECT date::VARCHAR AS d, count(*) AS n FROM {train} GROUP BY 1 ORDER BY 1');
    const source = await sourceRowsPerDate(join(data, 'train.csv'));
    expect(new Map(staged.map((r) => [r.d, Number(r.n)]))).toEqual(source);
    expect(report.train.added).toEqual([...source.keys()]);
    const types = await queryStaging<{ column_name: string; column_type: string }>(lake, 'DESCRIBE SELECT * FROM {test}');
    expect(types.map((t) => t.column_type)).toEqual(['BIGINT', 'DATE', 'SMALLINT', 'INTEGER', 'BOOLEAN']);
    const plan = await queryStaging<{ first: string; last: string }>(lake, 'SELECT min(date)::VARCHAR AS first, max(date)::VARCHAR AS last FROM {test}');
    expect(plan[0]).toEqual({ first: generated.test.firstDate, last: generated.test.lastDate });
  });

  it('adds the daily drops as new dates', async () => {
    const drops = await ingest({ source: join(data, 'daily') }, { config: localLakeConfig(lake, cache) });
    const source = await sourceRowsPerDate(join(data, 'daily', '*.csv'));
    expect(drops.train).toEqual({ added: [...source.keys()], replaced: [], unchanged: [] });
    const staged = await queryStaging<{ d: string; n: string }>(lake, `SELECT date::VARCHAR AS d, count(*) AS n FROM {train} WHERE date > '${generated.train.lastDate}' GROUP BY 1 ORDER BY 1`);
    expect(new Map(staged.map((r) => [r.d, Number(r.n)]))).toEqual(source);
  });
});
