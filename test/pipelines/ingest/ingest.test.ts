import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.js';
import { ingest, LEDGER_KEY, readLedger, type IngestReport, type Ledger } from '../../../pipelines/ingest/index.js';
import { LocalLake } from '../../../core/storage/local-lake.js';
import {
  addDays,
  buildFixture,
  DEFAULT_SPEC,
  dropRows,
  rowsPerDate,
  writeFixture,
  writeKindFile,
  type Fixture,
  type FixtureFormat,
} from '../../support/kaggle-fixture.js';
import { fileTree } from '../../support/file-tree.js';
import { queryStaging } from '../../support/staging-reader.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const fixture = buildFixture();
const lastDate = addDays(DEFAULT_SPEC.start, DEFAULT_SPEC.days - 1);

async function sourceWith(f: Fixture = fixture, format: FixtureFormat = 'csv'): Promise<string> {
  const dir = await dirs.make('source');
  await writeFixture(dir, f, format);
  return dir;
}

async function run(source: string, lake: string, replace = false): Promise<IngestReport> {
  return ingest({ source, replace }, { config: localLakeConfig(lake, await dirs.make('cache')) });
}

const withoutTimes = (l: Ledger): unknown =>
  JSON.parse(JSON.stringify(l, (k, v: unknown) => (k === 'loaded_at' || k === 'updated_at' ? '<time>' : v)));

describe('ingest of a Kaggle-schema fixture', () => {
  it('stages every date with the source row counts, the contract types and the source values', async () => {
    const lake = await dirs.make('lake');
    const report = await run(await sourceWith(), lake);

    expect(report.files.loaded.map((f) => f.name)).toEqual(['stores.csv', 'items.csv', 'oil.csv', 'holidays_events.csv', 'transactions.csv', 'test.csv', 'train.csv']);
    expect(report.rows).toBe(Object.values(fixture.tables).reduce((n, rows) => n + rows.length, 0));
    const expected = rowsPerDate(fixture.tables.train);
    expect(report.train.added).toEqual([...expected.keys()].sort());
    expect(report.test.added).toHaveLength(16);
    expect(report.tables).toEqual({ stores: 'added', items: 'added', oil: 'added', holidays_events: 'added', transactions: 'added' });

    const perDate = await queryStaging<{ d: string; n: string }>(lake, 'SELECT date::VARCHAR AS d, count(*) AS n FROM {train} GROUP BY 1 ORDER BY 1');
    expect(new Map(perDate.map((r) => [r.d, Number(r.n)]))).toEqual(expected);

    const types = await queryStaging<{ column_name: string; column_type: string }>(lake, 'DESCRIBE SELECT * FROM {train}');
    expect(types.map((t) => [t.column_name, t.column_type])).toEqual([
      ['id', 'BIGINT'],
      ['date', 'DATE'],
      ['store_nbr', 'SMALLINT'],
      ['item_nbr', 'INTEGER'],
      ['unit_sales', 'DOUBLE'],
      ['onpromotion', 'BOOLEAN'],
    ]);
    const staged = await queryStaging<{ id: string; unit_sales: number; onpromotion: boolean | null }>(lake, 'SELECT id, unit_sales, onpromotion FROM {train} ORDER BY id');
    expect(staged.map((r) => [Number(r.id), r.unit_sales, r.onpromotion])).toEqual(fixture.tables.train.map((r) => [r.id, r.unit_sales, r.onpromotion]));

    const items = await queryStaging<{ item_nbr: number; family: string; class: number; perishable: number }>(lake, 'SELECT * FROM {items} ORDER BY item_nbr');
    expect(items).toEqual(fixture.tables.items);
    const holidays = await queryStaging<{ description: string }>(lake, 'SELECT description FROM {holidays_events} ORDER BY date');
    expect(holidays.map((h) => h.description)).toEqual(['Fiesta, local', 'Navidad']);
    const oilNulls = await queryStaging<{ n: string }>(lake, 'SELECT count(*) AS n FROM {oil} WHERE dcoilwtico IS NULL');
    expect(Number(oilNulls[0].n)).toBe(fixture.tables.oil.filter((r) => r.dcoilwtico === null).length);
  });

  it('sorts each partition by (store_nbr, item_nbr) and records per-date rows and hashes in the ledger', async () => {
    const lake = await dirs.make('lake');
    const source = await sourceWith();
    await run(source, lake);
    const order = await queryStaging<{ bad: string }>(
      lake,
      `SELECT count(*) AS bad FROM (SELECT store_nbr, item_nbr, file_row_number AS r, filename,
         lag(store_nbr) OVER (PARTITION BY filename ORDER BY file_row_number) AS ps,
         lag(item_nbr) OVER (PARTITION BY filename ORDER BY file_row_number) AS pi
       FROM read_parquet('${lake}/staging/train/*/data.parquet', filename = true, hive_partitioning = false))
       WHERE ps IS NOT NULL AND (ps, pi) >= (store_nbr, item_nbr)`,
    );
    expect(Number(order[0].bad)).toBe(0);

    const ledger = await readLedger(new LocalLake(lake));
    const expected = rowsPerDate(fixture.tables.train);
    expect(Object.keys(ledger.partitions.train)).toEqual([...expected.keys()].sort());
    for (const [date, rows] of expected) {
      expect(ledger.partitions.train[date]).toMatchObject({ key: `staging/train/date=${date}/data.parquet`, rows, file: 'train.csv' });
      expect(ledger.partitions.train[date].hash).toMatch(/^duckdb-[\d.]+:\d+$/);
    }
    const train = ledger.files.find((f) => f.kind === 'train')!;
    expect(train).toMatchObject({ name: 'train.csv', rows: fixture.tables.train.length, dates: { first: DEFAULT_SPEC.start, last: lastDate, count: expected.size } });
    expect(train.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await readFile(join(lake, train.raw_key), 'utf8')).toBe(await readFile(join(source, 'train.csv'), 'utf8'));
  });

  it('is idempotent: a second run changes nothing and skips every file', async () => {
    const lake = await dirs.make('lake');
    const source = await sourceWith();
    await run(source, lake);
    const tree = await fileTree(lake);
    const ledgerText = await readFile(join(lake, LEDGER_KEY), 'utf8');
    const again = await run(source, lake);
    expect(again.files.loaded).toEqual([]);
    expect(again.files.alreadyLoaded).toHaveLength(7);
    expect(again.written).toBe(0);
    expect(await fileTree(lake)).toEqual(tree);
    expect(await readFile(join(lake, LEDGER_KEY), 'utf8')).toBe(ledgerText);
  });

  it('writes byte-identical staging and the same ledger (apart from times) for the same input in another lake', async () => {
    const source = await sourceWith();
    const [a, b] = [await dirs.make('lake'), await dirs.make('lake')];
    await run(source, a);
    await run(source, b);
    expect(await fileTree(join(b, 'staging'))).toEqual(await fileTree(join(a, 'staging')));
    expect(withoutTimes(await readLedger(new LocalLake(b)))).toEqual(withoutTimes(await readLedger(new LocalLake(a))));
  });

  it.each(['csv.gz', 'parquet'] as const)('reads %s input into the same staging as CSV', async (format) => {
    const [csvLake, otherLake] = [await dirs.make('lake'), await dirs.make('lake')];
    await run(await sourceWith(fixture, 'csv'), csvLake);
    const report = await run(await sourceWith(fixture, format), otherLake);
    expect(report.files.loaded.map((f) => f.name)).toContain(`train.${format}`);
    expect(await fileTree(join(otherLake, 'staging'))).toEqual(await fileTree(join(csvLake, 'staging')));
  });

  it('lists files with names outside the contract as skipped', async () => {
    const lake = await dirs.make('lake');
    const source = await sourceWith();
    await writeFile(join(source, 'README.txt'), 'notes');
    await writeFile(join(source, 'sample_submission.csv'), 'id,unit_sales\n');
    const report = await run(source, lake);
    expect(report.files.skipped.map((s) => s.name)).toEqual(['README.txt', 'sample_submission.csv']);
    expect(report.files.loaded).toHaveLength(7);
  });

  it('adds the date of a new daily drop and leaves the other partitions alone', async () => {
    const lake = await dirs.make('lake');
    const source = await sourceWith();
    await run(source, lake);
    const before = await fileTree(join(lake, 'staging'));
    const day = addDays(lastDate, 1);
    const drop = dropRows(DEFAULT_SPEC, day, 99, 1_000_000);
    const drops = await dirs.make('drops');
    await writeKindFile(drops, `train_${day}`, 'train', drop, 'csv.gz');
    const report = await run(drops, lake);
    expect(report.train).toEqual({ added: [day], replaced: [], unchanged: [] });
    const after = await fileTree(join(lake, 'staging'));
    const newKey = `train/date=${day}/data.parquet`;
    expect(Object.keys(after).filter((k) => !(k in before))).toEqual([newKey]);
    for (const [k, h] of Object.entries(before)) expect(after[k]).toBe(h);
    const n = await queryStaging<{ n: string }>(lake, `SELECT count(*) AS n FROM {train} WHERE date = '${day}'`);
    expect(Number(n[0].n)).toBe(drop.length);
    expect((await readLedger(new LocalLake(lake))).files.map((f) => f.name)).toContain(`train_${day}.csv.gz`);
  });

  it('replaces a loaded date only with --replace, and says so without it', async () => {
    const lake = await dirs.make('lake');
    await run(await sourceWith(), lake);
    const day = addDays(lastDate, 1);
    const drops = await dirs.make('drops');
    await writeKindFile(drops, `train_${day}`, 'train', dropRows(DEFAULT_SPEC, day, 1, 5_000_000));
    await run(drops, lake);
    const tree = await fileTree(lake);

    const corrected = dropRows(DEFAULT_SPEC, day, 2, 5_000_000);
    const fixes = await dirs.make('fixes');
    await writeKindFile(fixes, `train_${day}`, 'train', corrected);
    const err = await run(fixes, lake).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(new RegExp(`train_${day}\\.csv, column date: date ${day} is already loaded with different content .*--replace`));
    expect(await fileTree(lake)).toEqual(tree);

    const report = await run(fixes, lake, true);
    expect(report.train).toEqual({ added: [], replaced: [day], unchanged: [] });
    const rows = await queryStaging<{ id: string; unit_sales: number }>(lake, `SELECT id, unit_sales FROM {train} WHERE date = '${day}' ORDER BY id`);
    expect(rows.map((r) => [Number(r.id), r.unit_sales])).toEqual(corrected.map((r) => [r.id, r.unit_sales]));
    const ledger = await readLedger(new LocalLake(lake));
    expect(ledger.partitions.train[day]).toMatchObject({ rows: corrected.length, file: `train_${day}.csv` });
    const changed = Object.entries(await fileTree(lake)).filter(([k, h]) => tree[k] !== h).map(([k]) => k);
    expect(changed.filter((k) => k.startsWith('staging/'))).toEqual([`staging/train/date=${day}/data.parquet`]);
  });

  it('treats a re-delivered date with identical rows as unchanged', async () => {
    const lake = await dirs.make('lake');
    await run(await sourceWith(), lake);
    const day = '2016-12-22';
    const copy = await dirs.make('copy');
    await writeKindFile(copy, `train_${day}`, 'train', fixture.tables.train.filter((r) => r.date === day));
    const report = await run(copy, lake);
    expect(report.train).toEqual({ added: [], replaced: [], unchanged: [day] });
    expect(report.written).toBe(0);
  });

  it('records partitions an interrupted run left in place instead of writing them again', async () => {
    const source = await sourceWith();
    const complete = await dirs.make('lake');
    await run(source, complete);
    const partial = await dirs.make('lake');
    // What a run killed after publishing some partitions but before the ledger leaves behind.
    await cp(join(complete, 'raw'), join(partial, 'raw'), { recursive: true });
    await cp(join(complete, 'staging', 'stores'), join(partial, 'staging', 'stores'), { recursive: true });
    for (const day of ['2016-12-20', '2016-12-21', '2016-12-22']) {
      await cp(join(complete, 'staging/train', `date=${day}`), join(partial, 'staging/train', `date=${day}`), { recursive: true });
    }
    const report = await run(source, partial);
    expect(report.recorded).toBe(4);
    expect(report.train.added).toHaveLength(rowsPerDate(fixture.tables.train).size);
    expect(await fileTree(join(partial, 'staging'))).toEqual(await fileTree(join(complete, 'staging')));
    expect(withoutTimes(await readLedger(new LocalLake(partial)))).toEqual(withoutTimes(await readLedger(new LocalLake(complete))));
  });

  it('rewrites a partition that is missing although the ledger lists it', async () => {
    const lake = await dirs.make('lake');
    const source = await sourceWith();
    await run(source, lake);
    const tree = await fileTree(join(lake, 'staging'));
    await rm(join(lake, 'staging/train/date=2016-12-26'), { recursive: true });
    const day = '2016-12-26';
    const again = await dirs.make('again');
    await writeKindFile(again, `train_${day}`, 'train', fixture.tables.train.filter((r) => r.date === day));
    const report = await run(again, lake);
    expect(report.written).toBe(1);
    expect(await fileTree(join(lake, 'staging'))).toEqual(tree);
  });
});
