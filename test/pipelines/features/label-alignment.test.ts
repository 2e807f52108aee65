import { describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.js';
import { LocalLake } from '../../../core/storage/local-lake.js';
import { buildFeatures, FEATURE_NAMES, stagingTablesFromLake } from '../../../pipelines/features/index.js';
import { BOUNDARY_EXCLUDED, BOUNDARY_INCLUDED, LAST_DAY, TRAIN_ORIGIN, writeStagingLake } from './feature-fixture.js';
import { featureTestbed } from './feature-testbed.js';
import { shiftDay, type NaiveData } from './naive-features.js';

const bed = featureTestbed();

describe('label alignment', () => {
  it('ignores sales on and after the origin; labels are log1p of the sales of day t+h', async () => {
    const before = await bed.trainOriginTable();
    // Same rows and flags, different sales from the origin on.
    const changed: NaiveData = {
      ...bed.data,
      sales: bed.data.sales.map((s) => (s.date >= TRAIN_ORIGIN ? { ...s, sales: s.sales * 3 + 7 } : s)),
    };
    const lake = await bed.dirs.make('features-changed');
    const after = await buildFeatures(await writeStagingLake(lake, changed), { origin: TRAIN_ORIGIN, labels: true }, bed.deps());
    expect(Array.from(after.values)).toEqual(Array.from(before.values));
    expect(Array.from(after.labels!)).not.toEqual(Array.from(before.labels!));

    const r = before.storeNbr.findIndex((s, i) => s === 1 && before.itemNbr[i] === 101);
    for (let h = 0; h < 16; h++) {
      const sale = changed.sales.find((s) => s.store === 1 && s.item === 101 && s.date === shiftDay(TRAIN_ORIGIN, h));
      expect(after.labels![r * 16 + h]).toBeCloseTo(sale ? Math.log1p(Math.max(sale.sales, 0)) : 0, 5);
    }
  });

  it('lets promotion flags on and after the origin change only the future-promotion features', async () => {
    const before = await bed.trainOriginTable();
    const flipped: NaiveData = {
      ...bed.data,
      sales: bed.data.sales.map((s) => (s.date >= TRAIN_ORIGIN ? { ...s, promo: !s.promo } : s)),
    };
    const after = await buildFeatures(await writeStagingLake(await bed.dirs.make('features-flipped'), flipped), { origin: TRAIN_ORIGIN }, bed.deps());
    const changedNames = new Set<string>();
    for (let i = 0; i < before.values.length; i++) {
      if (before.values[i] !== after.values[i] && !(Number.isNaN(before.values[i]) && Number.isNaN(after.values[i]))) {
        changedNames.add(FEATURE_NAMES[i % FEATURE_NAMES.length]);
      }
    }
    expect(changedNames.size).toBeGreaterThan(0);
    expect([...changedNames].filter((n) => !/(^|_)promo_(p\d+|next_\w+)$/.test(n))).toEqual([]);
  });

  it('selects pairs with a train row in [t−365, t−1]: a last sale at t−365 is in, at t−366 out', async () => {
    const table = await bed.trainOriginTable();
    const pairs = Array.from({ length: table.rows }, (_, r) => `${table.storeNbr[r]}:${table.itemNbr[r]}`);
    expect(pairs).toContain(`${BOUNDARY_INCLUDED.store}:${BOUNDARY_INCLUDED.item}`);
    expect(pairs).not.toContain(`${BOUNDARY_EXCLUDED.store}:${BOUNDARY_EXCLUDED.item}`);
    // A pair that is only in the promotion plan is never a row.
    expect(pairs).not.toContain('3:107');
  });
});

describe('input from a lake', () => {
  it('gives the same table from the partitions of [t−365, t+15] with the declared last day as from the whole history', async () => {
    const whole = await bed.trainOriginTable();
    const subset = await stagingTablesFromLake(new LocalLake(bed.lakeDir()), TRAIN_ORIGIN);
    expect((subset.train as string[]).length).toBeLessThan(420);
    const table = await buildFeatures(subset, { origin: TRAIN_ORIGIN, labels: true }, bed.deps());
    expect(table.lastObservedDay).toBe(LAST_DAY);
    expect(Array.from(table.values)).toEqual(Array.from(whole.values));
    expect(Array.from(table.labels!)).toEqual(Array.from(whole.labels!));
  });

  it('refuses sales after the declared last observed day', async () => {
    const declared = shiftDay(LAST_DAY, -1);
    const error = await buildFeatures({ ...bed.tables(), lastObservedDay: declared }, { origin: TRAIN_ORIGIN }, bed.deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(`${bed.tables().train as string}: the staged sales hold ${LAST_DAY}, after the declared last observed day ${declared}`);
  });
});

