import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbSession, sqlString } from '../../../core/duckdb-session.js';
import { DataError, exitCodeFor } from '../../../core/errors.js';
import { ingest } from '../../../pipelines/ingest/index.js';
import { buildFixture, toCsv, writeFixture, writeKindFile } from '../../support/kaggle-fixture.js';
import { fileTree } from '../../support/file-tree.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
const fixture = buildFixture();
let loadedLake: string;

beforeAll(async () => {
  const source = await dirs.make('source');
  await writeFixture(source, fixture);
  loadedLake = await dirs.make('lake');
  await ingest({ source }, { config: localLakeConfig(loadedLake, await dirs.make('cache')) });
});
afterAll(() => dirs.cleanup());

const HEADER = 'id,date,store_nbr,item_nbr,unit_sales,onpromotion';

/** Ingests the given files into a copy of the loaded lake (or an empty one) and expects a DataError. */
async function rejected(files: Record<string, string | Buffer>, { emptyLake = false } = {}): Promise<DataError> {
  const lake = await dirs.make('lake');
  if (!emptyLake) await cp(loadedLake, lake, { recursive: true });
  const before = await fileTree(lake);
  const source = await dirs.make('bad');
  for (const [name, content] of Object.entries(files)) await writeFile(join(source, name), content);
  const err = await ingest({ source }, { config: localLakeConfig(lake, await dirs.make('cache')) }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  expect(exitCodeFor(err)).toBe(2);
  // Nothing may be published: staging, raw and the ledger are exactly as before.
  expect(await fileTree(lake)).toEqual(before);
  return err as DataError;
}

describe('ingest rejects bad input, names file, line and column, and writes nothing', () => {
  it('missing columns: names them and the expected list', async () => {
    const err = await rejected({ 'train_2017-01-01.csv': 'id,date,store_nbr,item_nbr,unit_sales\n1,2017-01-01,1,103520,2\n' });
    expect(err.location).toEqual({ file: 'train_2017-01-01.csv', line: 1, column: 'onpromotion' });
    expect(err.message).toBe(
      'train_2017-01-01.csv, line 1, column onpromotion: columns do not match the train contract: missing onpromotion; ' +
        'expected columns: id, date, store_nbr, item_nbr, unit_sales, onpromotion',
    );
  });

  it('extra columns: names them', async () => {
    const err = await rejected({ 'items.csv': 'item_nbr,family,class,perishable,color\n103520,GROCERY I,1000,0,red\n' });
    expect(err.location).toEqual({ file: 'items.csv', line: 1, column: 'color' });
    expect(err.message).toMatch(/unexpected color; expected columns: item_nbr, family, class, perishable$/);
  });

  it('unparsable dates: line and column from the CSV reader', async () => {
    const err = await rejected({ 'train_2017-01-01.csv': `${HEADER}\n1,2017-01-01,1,103520,2,False\n2,2017-13-01,1,103527,2,False\n` });
    expect(err.location).toEqual({ file: 'train_2017-01-01.csv', line: 3, column: 'date' });
    expect(err.message).toMatch(/"2017-13-01" is not a date as YYYY-MM-DD \(DATE\)/);
  });

  it('unparsable numbers, in a gzip file', async () => {
    const csv = `${HEADER}\n1,2017-01-01,1,103520,2,False\n2,2017-01-01,1,103527,2,False\n3,2017-01-01,2,103520,two,True\n`;
    const err = await rejected({ 'train_2017-01-01.csv.gz': gzipSync(csv) });
    expect(err.location).toEqual({ file: 'train_2017-01-01.csv.gz', line: 4, column: 'unit_sales' });
    expect(err.message).toMatch(/"two" is not a number \(DOUBLE\)/);
  });

  it('lines with the wrong number of fields', async () => {
    const err = await rejected({ 'train_2017-01-01.csv': `${HEADER}\n1,2017-01-01,1,103520,2,False,extra\n` });
    expect(err.location.line).toBe(2);
    expect(err.message).toMatch(/^train_2017-01-01\.csv, line 2/);
  });

  it('store_nbr not positive', async () => {
    const err = await rejected({ 'train_2017-01-01.csv': `${HEADER}\n1,2017-01-01,1,103520,2,False\n2,2017-01-01,0,103527,2,False\n` });
    expect(err.message).toBe('train_2017-01-01.csv, line 3, column store_nbr: store_nbr must be a positive number, found 0');
  });

  it('non-finite unit_sales, counted with blank lines and CRLF line ends as a reader would', async () => {
    const csv = `${HEADER}\r\n1,2017-01-01,1,103520,2,False\r\n\r\n2,2017-01-01,1,103527,inf,False\r\n3,2017-01-01,2,103527,NaN,False\r\n`;
    const err = await rejected({ 'train_2017-01-01.csv': csv });
    expect(err.location).toEqual({ file: 'train_2017-01-01.csv', line: 4, column: 'unit_sales' });
    expect(err.message).toMatch(/unit_sales must be a finite number, found inf \(2 rows break this rule\)$/);
  });

  it('perishable other than 0 or 1', async () => {
    const err = await rejected({ 'items.csv': 'item_nbr,family,class,perishable\n103520,GROCERY I,1000,0\n103527,BEVERAGES,1001,2\n' });
    expect(err.message).toBe('items.csv, line 3, column perishable: perishable must be 0 or 1, found 2');
  });

  it('empty values in required columns', async () => {
    const err = await rejected({ 'train_2017-01-01.csv': `${HEADER}\n1,2017-01-01,1,103520,2,\n2,2017-01-01,1,,2,True\n` });
    expect(err.message).toBe('train_2017-01-01.csv, line 3, column item_nbr: item_nbr is empty but the column is required');
  });

  it('store types outside the Kaggle vocabulary', async () => {
    const err = await rejected({ 'stores.csv': 'store_nbr,city,state,type,cluster\n1,Quito,Pichincha,A,1\n2,Quito,Pichincha,Z,2\n' });
    expect(err.message).toBe('stores.csv, line 3, column type: type must be one of A, B, C, D, E, found Z');
  });

  it('duplicate (date, store_nbr, item_nbr): names both lines', async () => {
    const csv = `${HEADER}\n1,2017-01-01,1,103520,2,False\n2,2017-01-01,2,103520,2,False\n3,2017-01-01,1,103527,1,False\n4,2017-01-01,1,103520,5,True\n`;
    const err = await rejected({ 'train_2017-01-01.csv': csv });
    expect(err.location).toEqual({ file: 'train_2017-01-01.csv', line: 5 });
    expect(err.message).toBe(
      'train_2017-01-01.csv, line 5: duplicate row for date 2017-01-01, store_nbr 1, item_nbr 103520: lines 2 and 5 have the same (date, store_nbr, item_nbr)',
    );
  });

  it('duplicate keys in a reference table', async () => {
    const err = await rejected({ 'stores.csv': 'store_nbr,city,state,type,cluster\n1,Quito,Pichincha,A,1\n2,Quito,Pichincha,B,2\n1,Cuenca,Azuay,C,3\n' });
    expect(err.message).toBe('stores.csv, line 4: duplicate row for store_nbr 1: lines 2 and 4 have the same (store_nbr)');
  });

  it('unknown stores', async () => {
    const err = await rejected({ 'train_2017-01-01.csv': `${HEADER}\n1,2017-01-01,1,103520,2,False\n2,2017-01-01,9,103520,2,False\n` });
    expect(err.message).toBe(
      "train_2017-01-01.csv, line 3, column store_nbr: store_nbr 9 is not a known store (not in the lake's stores table nor in this run's stores file)",
    );
  });

  it('unknown items, also in the promotion plan', async () => {
    const err = await rejected({ 'test.csv': 'id,date,store_nbr,item_nbr,onpromotion\n1,2017-01-17,1,103520,False\n2,2017-01-17,1,999999,True\n' });
    expect(err.location).toEqual({ file: 'test.csv', line: 3, column: 'item_nbr' });
    expect(err.message).toMatch(/item_nbr 999999 is not a known item/);
  });

  it('keys when no stores table has been loaded at all', async () => {
    const err = await rejected({ 'train.csv': `${HEADER}\n1,2017-01-01,1,103520,2,False\n` }, { emptyLake: true });
    expect(err.message).toMatch(/store_nbr 1 is not a known store: no stores table is loaded; deliver stores\.csv before or together with this file/);
  });

  it('keys are checked against the stores of the same run', async () => {
    const lake = await dirs.make('lake');
    const source = await dirs.make('source');
    await writeKindFile(source, 'stores', 'stores', fixture.tables.stores);
    await writeKindFile(source, 'items', 'items', fixture.tables.items);
    await writeKindFile(source, 'train', 'train', fixture.tables.train);
    const report = await ingest({ source }, { config: localLakeConfig(lake, await dirs.make('cache')) });
    expect(report.files.loaded.map((f) => f.kind)).toEqual(['stores', 'items', 'train']);
  });

  it('Parquet values that do not fit the column type: the row and the column', async () => {
    const source = await dirs.make('pq');
    const db = await DuckDbSession.open({ memoryLimit: '256MB', threads: 1, tempDirectory: join(source, 'tmp') });
    const path = join(source, 'items.parquet');
    await db.run(
      `COPY (SELECT * FROM (VALUES (103520, 'GROCERY I', '1000', 0), (103527, 'BEVERAGES', '1001', 1), (103534, 'PRODUCE', 'x1', 0)) AS t(item_nbr, family, class, perishable))
       TO ${sqlString(path)} (FORMAT parquet)`,
    );
    db.close();
    const err = await rejected({ 'items.parquet': await readFile(path) });
    expect(err.message).toBe('items.parquet, line 3, column class: "x1" is not an integer up to 2147483647 (INTEGER)');
  });

  it('an empty file', async () => {
    const err = await rejected({ 'oil.csv': '' });
    expect(err.message).toBe('oil.csv, line 1: the file is empty; expected a header line: date,dcoilwtico');
  });

  it('one bad file stops the whole run: the good files of the run are not published either', async () => {
    const good = toCsv('train', [{ id: 1, date: '2017-01-01', store_nbr: 1, item_nbr: 103520, unit_sales: 3, onpromotion: false }]);
    const err = await rejected({ 'train_2017-01-01.csv': good, 'train_2017-01-02.csv': `${HEADER}\n2,2017-01-02,1,103520,-,False\n` });
    expect(err.location.file).toBe('train_2017-01-02.csv');
  });

  it('the same date in two files of one run with different rows', async () => {
    const a = toCsv('train', [{ id: 1, date: '2017-01-01', store_nbr: 1, item_nbr: 103520, unit_sales: 3, onpromotion: false }]);
    const b = toCsv('train', [{ id: 1, date: '2017-01-01', store_nbr: 1, item_nbr: 103520, unit_sales: 4, onpromotion: false }]);
    const err = await rejected({ 'train_2017-01-01.csv': a, 'train_2017-01-01_fix.csv': b });
    expect(err.message).toBe('train_2017-01-01_fix.csv, column date: date 2017-01-01 is also in train_2017-01-01.csv with different rows; deliver each date in one file');
  });

  it('a drop for a loaded date with other rows, naming --replace', async () => {
    const err = await rejected({ 'train_2016-12-20.csv': `${HEADER}\n1,2016-12-20,1,103520,2,False\n` });
    expect(err.location).toEqual({ file: 'train_2016-12-20.csv', column: 'date' });
    expect(err.message).toMatch(/date 2016-12-20 is already loaded with different content \(the lake has \d+ rows from train\.csv for 2016-12-20, this file has 1\); to load a correction, run ingest again with --replace$/);
  });
});
