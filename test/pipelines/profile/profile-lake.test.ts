import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '../../../core/storage/local-lake.js';
import { ingest } from '../../../pipelines/ingest/index.js';
import { findDateGaps, formatProfile, profileLake, type LakeProfile } from '../../../pipelines/profile/index.js';
import { buildFixture, rowsPerDate, writeFixture, type FixtureSpec } from '../../support/kaggle-fixture.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
const spec: FixtureSpec = { start: '2016-12-18', days: 16, stores: 3, items: 5, seed: 3, promoFrom: '2016-12-21', missingDates: ['2016-12-28', '2016-12-29'] };
const fixture = buildFixture(spec);
let profile: LakeProfile;
let cache: string;

beforeAll(async () => {
  const source = await dirs.make('source');
  await writeFixture(source, fixture);
  const lake = await dirs.make('lake');
  cache = await dirs.make('cache');
  await ingest({ source }, { config: localLakeConfig(lake, cache) });
  profile = await profileLake({ lake: new LocalLake(lake), cacheDir: cache });
});
afterAll(() => dirs.cleanup());

describe('profileLake', () => {
  it('reports the date range, days and rows per day of the sales history', () => {
    const perDate = rowsPerDate(fixture.tables.train);
    const dates = [...perDate.keys()].sort();
    const counts = dates.map((d) => perDate.get(d)!);
    const s = profile.sales!;
    expect(profile.empty).toBe(false);
    expect([s.firstDate, s.lastDate, s.days, s.rows]).toEqual([dates[0], dates[dates.length - 1], dates.length, fixture.tables.train.length]);
    expect(s.rowsPerDay.min).toBe(Math.min(...counts));
    expect(s.rowsPerDay.max).toBe(Math.max(...counts));
    expect(s.rowsPerDay.mean).toBeCloseTo(fixture.tables.train.length / dates.length, 10);
    expect(s.lastDays).toEqual(dates.slice(-7).map((date) => ({ date, rows: perDate.get(date) })));
  });

  it('counts stores, items, promotions among known flags and returns', () => {
    const rows = fixture.tables.train;
    const known = rows.filter((r) => r.onpromotion !== null);
    const s = profile.sales!;
    expect(s.stores).toBe(new Set(rows.map((r) => r.store_nbr)).size);
    expect(s.items).toBe(new Set(rows.map((r) => r.item_nbr)).size);
    expect(s.promo.knownRows).toBe(known.length);
    expect(s.promo.promoRows).toBe(known.filter((r) => r.onpromotion === true).length);
    expect(s.promo.share).toBeCloseTo(s.promo.promoRows / known.length, 12);
    expect(known.length).toBeLessThan(rows.length);
    expect(s.negativeRows).toBe(rows.filter((r) => Number(r.unit_sales) < 0).length);
    expect(s.negativeRows).toBeGreaterThan(0);
  });

  it('lists missing days as gaps and Christmas apart', () => {
    expect(profile.sales!.gaps).toEqual(['2016-12-28', '2016-12-29']);
    expect(profile.sales!.closedDays).toEqual(['2016-12-25']);
  });

  it('describes the promotion plan, reference tables and loaded files', () => {
    expect(profile.promotionPlan).toEqual({ firstDate: '2017-01-03', lastDate: '2017-01-18', days: 16, rows: fixture.tables.test.length });
    expect(profile.tables).toEqual({
      stores: fixture.tables.stores.length,
      items: fixture.tables.items.length,
      oil: fixture.tables.oil.length,
      holidays_events: fixture.tables.holidays_events.length,
      transactions: fixture.tables.transactions.length,
    });
    expect(profile.files.map((f) => [f.name, f.kind, f.rows])).toEqual(
      (['stores', 'items', 'oil', 'holidays_events', 'transactions', 'test', 'train'] as const).map((k) => [`${k}.csv`, k, fixture.tables[k].length]),
    );
  });

  it('formats the same numbers for people', () => {
    const text = formatProfile(profile);
    const s = profile.sales!;
    expect(text).toContain(`sales (train): ${s.firstDate} … ${s.lastDate}, ${s.days} days, ${s.rows.toLocaleString('en-US')} rows`);
    expect(text).toContain('gaps: 2 missing days: 2016-12-28, 2016-12-29');
    expect(text).toContain('closed (1 January and 25 December, expected): 2016-12-25');
    expect(text).toContain(`on promotion: ${(100 * s.promo.share!).toFixed(1)}% of ${s.promo.knownRows} rows`);
    expect(text).toContain('files in the ledger: 7');
  });

  it('says clearly that an empty lake holds nothing', async () => {
    const empty = await profileLake({ lake: new LocalLake(join(await dirs.make('lake'), 'none')), cacheDir: cache });
    expect(empty).toEqual({ lake: expect.stringMatching(/none$/), empty: true, sales: null, promotionPlan: null, tables: {}, files: [] });
    expect(formatProfile(empty)).toMatch(/holds no data yet; load some with `shelfcast ingest --source DIR`\.$/);
  });
});

describe('findDateGaps', () => {
  it('finds missing days across months and years, in any input order', () => {
    expect(findDateGaps(['2017-01-02', '2016-12-23', '2016-12-24', '2016-12-26', '2016-12-30'])).toEqual({
      gaps: ['2016-12-27', '2016-12-28', '2016-12-29', '2016-12-31'],
      closedDays: ['2016-12-25', '2017-01-01'],
    });
    expect(findDateGaps(['2016-02-28', '2016-03-01'])).toEqual({ gaps: ['2016-02-29'], closedDays: [] });
    expect(findDateGaps(['2017-01-01'])).toEqual({ gaps: [], closedDays: [] });
    expect(findDateGaps(['2016-12-31', '2017-01-02'])).toEqual({ gaps: [], closedDays: ['2017-01-01'] });
  });
});
