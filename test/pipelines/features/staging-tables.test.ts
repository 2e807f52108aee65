import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.js';
import { LocalLake } from '../../../core/storage/local-lake.js';
import { lastStagedSalesDay, stagedDates, stagingTablesFromLake } from '../../../pipelines/features/index.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { fixtureData, FIRST_DAY, LAST_DAY, TEST_ORIGIN, TRAIN_ORIGIN, writeStagingLake } from './feature-fixture.js';
import { shiftDay } from './naive-features.js';

const dirs = tempDirs();
let lakeDir: string;

beforeAll(async () => {
  lakeDir = await dirs.make('features-staging');
  await writeStagingLake(lakeDir, fixtureData());
});
afterAll(() => dirs.cleanup());

const dateOf = (path: string): string => /date=(\d{4}-\d{2}-\d{2})/.exec(path)![1];

describe('stagingTablesFromLake', () => {
  it('lists the staged dates and the last sales day', async () => {
    const lake = new LocalLake(lakeDir);
    const dates = await stagedDates(lake, 'train');
    expect(dates[0]).toBe(FIRST_DAY);
    expect(dates.at(-1)).toBe(LAST_DAY);
    expect(dates).toEqual([...dates].sort());
    expect(await lastStagedSalesDay(lake)).toBe(LAST_DAY);
  });

  it('takes only the sales partitions of [t−365, t+15] and no plan when t+15 is observed', async () => {
    const tables = await stagingTablesFromLake(new LocalLake(lakeDir), TRAIN_ORIGIN);
    const train = (tables.train as string[]).map(dateOf);
    expect(tables.lastObservedDay).toBe(LAST_DAY);
    expect(train[0]).toBe(shiftDay(TRAIN_ORIGIN, -366 + 1));
    expect(train.at(-1)).toBe(shiftDay(TRAIN_ORIGIN, 15));
    expect(train).toHaveLength(365 + 16);
    expect(tables.promotionPlan).toEqual([]);
    expect(tables.items).toBe(join(lakeDir, 'staging', 'items', 'data.parquet'));
    expect(tables.stores).toBe(join(lakeDir, 'staging', 'stores', 'data.parquet'));
  });

  it('takes the plan partitions of [t−365, t+15] at the test origin, past ones included, or those before a day', async () => {
    const tables = await stagingTablesFromLake(new LocalLake(lakeDir), TEST_ORIGIN);
    expect((tables.train as string[]).map(dateOf).at(-1)).toBe(LAST_DAY);
    const plan = (tables.promotionPlan as string[]).map(dateOf);
    expect(plan[0]).toBe(shiftDay(LAST_DAY, -2)); // the fixture's plan starts three days before the last sales day
    expect(plan.at(-1)).toBe(shiftDay(TEST_ORIGIN, 15));
    expect(plan).toHaveLength(19);
    const before = await stagingTablesFromLake(new LocalLake(lakeDir), TEST_ORIGIN, { planDaysBefore: TEST_ORIGIN });
    expect((before.promotionPlan as string[]).map(dateOf)).toEqual([shiftDay(LAST_DAY, -2), shiftDay(LAST_DAY, -1), LAST_DAY]);
  });

  it('says what to run when the lake has no sales or no reference table', async () => {
    const empty = new LocalLake(await dirs.make('features-empty'));
    await expect(stagingTablesFromLake(empty, TRAIN_ORIGIN)).rejects.toThrow(DataError);
    await expect(stagingTablesFromLake(empty, TRAIN_ORIGIN)).rejects.toThrow(/holds no staged sales \(staging\/train\/\); run `shelfcast ingest` first$/);

    const partial = await dirs.make('features-no-items');
    await writeStagingLake(partial, fixtureData());
    await rm(join(partial, 'staging', 'items'), { recursive: true });
    await expect(stagingTablesFromLake(new LocalLake(partial), TRAIN_ORIGIN)).rejects.toThrow(
      `${partial} has no staged items table (staging/items/data.parquet); run \`shelfcast ingest\` with items.csv first`,
    );
  });
});
