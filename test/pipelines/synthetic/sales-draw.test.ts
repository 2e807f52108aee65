import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, dayOfYmd } from '../../../pipelines/synthetic/day-calendar.js';
import { FAMILY_PROFILES } from '../../../pipelines/synthetic/family-profiles.js';
import { extendHash, hash32, mix32, STREAM } from '../../../pipelines/synthetic/hash-rng.js';
import { buildWorld, generateDataset, SCALES, type SyntheticWorld } from '../../../pipelines/synthetic/index.js';
import {
  CELL_NOISE_SIGMA,
  cellNoiseMultipliers,
  countNormals,
  EXACT_POISSON_LIMIT,
  largeRateCount,
  saleMilli,
  SalesDraw,
} from '../../../pipelines/synthetic/sales-draw.js';

// expectedRate and the exported noise/count/quantity helpers must reproduce every written row exactly: the
// quality-ceiling bench relies on them to compute the true expected demand of a cell.
const SEED = 11;
let scratch = '';
let world: SyntheticWorld;
/** `day,store,item` → unit_sales in thousandths, with the onpromotion text. */
const rows = new Map<string, { milli: number; promo: string }>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'shelfcast-sales-draw-'));
  await generateDataset({ scale: 'tiny', seed: SEED, outDir: scratch });
  world = buildWorld(SCALES.tiny, SEED);
  const lines = readFileSync(join(scratch, 'train.csv'), 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [, date, store, item, sales, promo] = line.split(',');
    rows.set(`${dayOf(date)},${store},${item}`, { milli: Math.round(Number(sales) * 1000), promo });
  }
}, 60_000);
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Replays the generator's draw of one cell from its pre-noise rate; undefined when the cell does not sell. */
function replay(rate: number, key: number, day: number, kgMilli: number): number | undefined {
  const noise = cellNoiseMultipliers();
  const h = extendHash(key, day);
  const lambda = rate * noise[h & 255];
  const u = (h >>> 8) / 16777216;
  const p0 = Math.exp(-lambda);
  if (!(lambda > 0) || u < p0) return undefined;
  let count = 1;
  if (lambda < EXACT_POISSON_LIMIT) {
    let term = p0 * lambda;
    let cdf = p0 + term;
    while (u >= cdf && count < 400) {
      count++;
      term *= lambda / count;
      cdf += term;
    }
  } else {
    count = largeRateCount(lambda, countNormals()[h >>> 20]);
  }
  return saleMilli(count, kgMilli, (mix32(h ^ 0x5bd1e995) >>> 24) / 255);
}

describe('SalesDraw.expectedRate', () => {
  it('exports a mean-one log-normal noise table of 256 values with the documented log-sd', () => {
    const noise = cellNoiseMultipliers();
    expect(noise).toHaveLength(256);
    expect(noise.reduce((a, b) => a + b, 0) / 256).toBeCloseTo(1, 2);
    const logs = Array.from(noise, Math.log);
    const mean = logs.reduce((a, b) => a + b, 0) / 256;
    expect(Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / 256)).toBeCloseTo(CELL_NOISE_SIGMA, 1);
  });

  it('reproduces every train row of the last 120 days, quantity and promotion flag included', () => {
    const draw = new SalesDraw(world);
    let sold = 0;
    let mismatches = 0;
    let promoted = 0;
    for (let day = world.endDay - 119; day <= world.endDay; day++) {
      draw.prepareDay(day);
      world.stores.forEach((store, s) => {
        world.assortment.carried[s].forEach((i, k) => {
          const item = world.items[i];
          const key = hash32(SEED, STREAM.cell, store.storeNbr, item.itemNbr);
          const kgMilli = 1000 * FAMILY_PROFILES[item.familyIndex].kgPerPurchase;
          const expected = replay(draw.expectedRate(s, k), key, day, kgMilli);
          const row = rows.get(`${day},${store.storeNbr},${item.itemNbr}`);
          if (expected === undefined || row === undefined) {
            if (expected !== undefined || row !== undefined) mismatches++;
            return;
          }
          sold++;
          // A return (negative row) replaces the quantity; the cell still sold.
          if (row.milli > 0 && row.milli !== expected) mismatches++;
          const isPromoted = draw.isPromoted(s, i);
          if (row.promo !== (isPromoted ? 'True' : 'False')) mismatches++;
          if (isPromoted) promoted++;
        });
      });
    }
    expect(sold).toBeGreaterThan(5000);
    expect(promoted).toBeGreaterThan(100);
    expect(mismatches).toBe(0);
  });

  it('is 0 on closed days and outside the life of an item, positive otherwise', () => {
    const draw = new SalesDraw(world);
    draw.prepareDay(dayOfYmd(2016, 12, 25));
    expect(world.stores.every((_, s) => world.assortment.carried[s].every((_, k) => draw.expectedRate(s, k) === 0))).toBe(true);
    draw.prepareDay(world.endDay);
    world.stores.forEach((_, s) => {
      world.assortment.carried[s].forEach((i, k) => {
        const item = world.items[i];
        const rate = draw.expectedRate(s, k);
        if (world.endDay < item.launchDay || world.endDay >= item.stopDay) expect(rate).toBe(0);
        else expect(rate).toBeGreaterThan(0);
      });
    });
  });
});
