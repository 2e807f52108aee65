/**
 * Kaggle submissions from a run trained on generated `tiny` data: the format, the forecast of each row checked
 * against the saved boosters, cold-start pairs, and every kind of bad test file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../../core/errors.js';
import type { LocalLake } from '../../../core/storage/local-lake.js';
import { addDays, buildFeatures, stagingTablesFromLake } from '../../../pipelines/features/index.js';
import { predictSubmission } from '../../../serving/submission/predict-submission.js';
import { boosterFile } from '../../../training/bundle/index.js';
import { predictHorizons } from '../../../training/horizons/index.js';
import { LightGbmLibrary } from '../../../training/lightgbm/index.js';
import { trainRun } from '../../../training/train-run.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { tinyLake } from '../../support/tiny-lake.js';

const dirs = tempDirs();
let lake: LocalLake;
let cacheDir: string;
let data: string;
let out: string;
let runDir: string;
const ORIGIN = '2017-08-16';

beforeAll(async () => {
  const tiny = await tinyLake(dirs, 'predict', 9);
  ({ lake, cacheDir, dataDir: data } = tiny);
  out = await dirs.make('predict-out');
  const run = await trainRun(
    { maxRounds: 30, earlyStoppingRounds: 10, trainingOrigins: 1, params: { num_threads: 1, learning_rate: 0.1, min_data_in_leaf: 20 }, runsDir: tiny.runsDir },
    { lake, cacheDir },
  );
  runDir = run.dir;
});
afterAll(async () => {
  lake?.close();
  await dirs.cleanup();
});

/** The submission as a map id → unit_sales, after checking the header and that every line has two fields. */
async function readSubmission(path: string): Promise<Map<string, number>> {
  const [header, ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  expect(header).toBe('id,unit_sales');
  const rows = new Map<string, number>();
  for (const line of lines) {
    const [id, sales, extra] = line.split(',');
    expect(extra).toBeUndefined();
    expect(sales).toMatch(/^\d+(\.\d{1,4})?$/);
    rows.set(id, Number(sales));
  }
  return rows;
}

function csvRows(text: string): string[][] {
  return text.trimEnd().split('\n').slice(1).map((l) => l.split(','));
}

describe('predictSubmission', () => {
  it('writes one forecast per test row: expm1 of the boosters’ log forecast for its day, 0 without history', async () => {
    const file = join(out, 'submission.csv');
    const report = await predictSubmission({ runDir, testFile: join(data, 'test.csv'), out: file }, { lake, cacheDir });
    const test = csvRows(await readFile(join(data, 'test.csv'), 'utf8')); // id,date,store_nbr,item_nbr,onpromotion
    const submission = await readSubmission(file);
    expect(report).toMatchObject({ origin: ORIGIN, rows: test.length });
    expect([...submission.keys()].sort()).toEqual(test.map((r) => r[0]).sort());

    // The same forecast from the saved boosters on the features at the origin.
    const table = await buildFeatures(await stagingTablesFromLake(lake, ORIGIN), { origin: ORIGIN }, { cacheDir });
    const texts = await Promise.all(Array.from({ length: 16 }, (_, h) => readFile(join(runDir, boosterFile(h)), 'utf8')));
    const expected = predictHorizons(LightGbmLibrary.open(), texts, { data: table.values, nRows: table.rows, nCols: table.featureNames.length });
    const rowOf = new Map(Array.from(table.storeNbr, (s, r) => [`${s}:${table.itemNbr[r]}`, r]));
    let cold = 0;
    for (const [id, date, store, item] of test) {
      const r = rowOf.get(`${store}:${item}`);
      const got = submission.get(id)!;
      if (r === undefined) {
        cold++;
        expect(got).toBe(0);
        continue;
      }
      const h = (Date.parse(date) - Date.parse(ORIGIN)) / 86_400_000;
      expect(got).toBeCloseTo(Math.max(0, Math.expm1(expected[r * 16 + h])), 3);
    }
    expect(cold).toBe(report.coldStartRows);
    expect(cold).toBeGreaterThan(0); // tiny's test grid holds items that never sold
    expect(report.pairs - report.pairsWithHistory).toBe(cold / 16);
  });

  it('refuses test rows outside the 16 days from the origin, naming the row and the valid range', async () => {
    const text = await readFile(join(data, 'test.csv'), 'utf8');
    const lines = text.trimEnd().split('\n');
    const [, , store, item, promo] = lines[5].split(',');
    const bad = join(out, 'late.csv');
    await writeFile(bad, `${lines.join('\n')}\n999999,${addDays(ORIGIN, 16)},${store},${item},${promo}\n`);
    const target = join(out, 'late-submission.csv');
    const error = await predictSubmission({ runDir, testFile: bad, out: target }, { lake, cacheDir }).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/row id 999999 has date 2017-09-01, outside the forecast days 2017-08-16 … 2017-08-31/);
    await expect(readFile(target)).rejects.toThrow(/ENOENT/);
  });

  it('refuses duplicate ids, unparsable values and a missing run directory', async () => {
    const lines = (await readFile(join(data, 'test.csv'), 'utf8')).trimEnd().split('\n');
    const dup = join(out, 'dup.csv');
    await writeFile(dup, `${[...lines, lines[1]].join('\n')}\n`);
    await expect(predictSubmission({ runDir, testFile: dup, out: join(out, 'a.csv') }, { lake, cacheDir })).rejects.toThrow(
      new RegExp(`id ${lines[1].split(',')[0]} appears more than once`),
    );
    const broken = join(out, 'broken.csv');
    await writeFile(broken, `${lines.slice(0, 3).join('\n')}\n12,2017-08-16,x,1,False\n`);
    await expect(predictSubmission({ runDir, testFile: broken, out: join(out, 'b.csv') }, { lake, cacheDir })).rejects.toThrow(
      /broken\.csv, line 4, column store_nbr: "x" is not an integer/,
    );
    await expect(predictSubmission({ runDir: out, testFile: join(data, 'test.csv'), out: join(out, 'c.csv') }, { lake, cacheDir })).rejects.toThrow(UsageError);
    await expect(predictSubmission({ runDir, testFile: join(data, 'test.csv'), out: join(out, 'c.parquet') }, { lake, cacheDir })).rejects.toThrow(/expected a \.csv/);
  });
});
