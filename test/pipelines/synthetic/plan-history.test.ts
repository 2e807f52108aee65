/** The generator's past promotion plans: every promoted cell, sold or not, agreeing with the sales rows' flags. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, PLAN_HISTORY_FILE } from '../../../pipelines/synthetic/index.js';
import { addDays } from '../../support/kaggle-fixture.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
const DAYS = 30;
let withHistory: string;
let without: string;

beforeAll(async () => {
  withHistory = await dirs.make('plan-history');
  without = await dirs.make('plan-history-none');
  await generateDataset({ scale: 'tiny', seed: 12, outDir: withHistory, planHistory: DAYS }, {});
  await generateDataset({ scale: 'tiny', seed: 12, outDir: without }, {});
});
afterAll(() => dirs.cleanup());

const rows = async (path: string): Promise<string[][]> =>
  (await readFile(path, 'utf8'))
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

describe('data generate --plan-history', () => {
  it('lists every promoted cell of the last days, including every promoted sale, and cells that did not sell', async () => {
    const plan = await rows(join(withHistory, `${PLAN_HISTORY_FILE}.csv`));
    const train = await rows(join(withHistory, 'train.csv')); // id,date,store_nbr,item_nbr,unit_sales,onpromotion
    const last = train.reduce((m, r) => (r[1] > m ? r[1] : m), '');
    const first = addDays(last, 1 - DAYS);
    expect(plan.length).toBeGreaterThan(0);
    expect(plan.every((r) => r[4] === 'True' && r[1] >= first && r[1] <= last)).toBe(true);
    expect(new Set(plan.map((r) => r[0])).size).toBe(plan.length);

    const planned = new Set(plan.map((r) => `${r[1]}:${r[2]}:${r[3]}`));
    const recent = train.filter((r) => r[1] >= first);
    const promotedSales = recent.filter((r) => r[5] === 'True').map((r) => `${r[1]}:${r[2]}:${r[3]}`);
    expect(promotedSales.length).toBeGreaterThan(0);
    expect(promotedSales.filter((k) => !planned.has(k))).toEqual([]);
    // No sale marked as not promoted is in the plan.
    const unpromotedSales = new Set(recent.filter((r) => r[5] === 'False').map((r) => `${r[1]}:${r[2]}:${r[3]}`));
    expect([...planned].filter((k) => unpromotedSales.has(k))).toEqual([]);
    // The plan knows promoted days without a sale, which the sales rows cannot show.
    const sold = new Set(recent.map((r) => `${r[1]}:${r[2]}:${r[3]}`));
    expect([...planned].filter((k) => !sold.has(k)).length).toBeGreaterThan(0);
  });

  it('leaves every other file byte-identical', async () => {
    for (const file of ['train.csv', 'test.csv', 'items.csv', 'stores.csv', 'transactions.csv']) {
      expect(await readFile(join(withHistory, file), 'utf8')).toBe(await readFile(join(without, file), 'utf8'));
    }
  });
});
