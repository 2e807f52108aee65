import { isoOf, weekdayOf } from './day-calendar.js';
import { asciiBytes, putBytes, putMilli, putUint } from './csv-encoding.js';
import type { ChunkWriter } from './chunk-writer.js';
import { FAMILY_PROFILES, weekdayFactor } from './family-profiles.js';
import { extendHash, hash32, mix32, STREAM } from './hash-rng.js';
import { isClosedDay } from './holiday-calendar.js';
import { lifecycleFactor } from './item-catalog.js';
import { normalTable } from './normal-quantile.js';
import { PromotionPlan } from './promotion-plan.js';
import { calendarFactor, festiveCurve } from './seasonality.js';
import type { SyntheticWorld } from './synthetic-world.js';

/**
 * Log-sd of the day-to-day noise on a cell's purchase rate: demand is overdispersed relative to Poisson, by about
 * a fifth of the day's level once weekday, promotions and holidays are accounted for.
 */
export const CELL_NOISE_SIGMA = 0.2;
/** Returns: about 33 in 65,536 rows (0.05%) are a negative quantity. */
export const RETURN_RATE = 33 / 65536;
/**
 * Below this (noisy) rate the count is drawn exactly (Poisson inverse CDF), at or above it by the normal
 * approximation `largeRateCount(rate, z)`, z one of the equally likely `countNormals()`.
 */
export const EXACT_POISSON_LIMIT = 12;
/** Longest possible row: id (16 digits) + `,date,` (12) + `store,` (3) + `item,` (8) + quantity (11) + `,False` (6) + newline. */
const MAX_ROW_BYTES = 64;

const NOISE = normalTable(256).map((z) => Math.exp(CELL_NOISE_SIGMA * z - (CELL_NOISE_SIGMA * CELL_NOISE_SIGMA) / 2));
const NORMAL = normalTable(4096);
const RETURN_THRESHOLD = Math.round(RETURN_RATE * 65536);
const TRUE = asciiBytes('True');
const FALSE = asciiBytes('False');
const U24_SCALE = 1 / 16777216;

/**
 * The 256 equally likely multipliers of the cell noise (a copy): log-normal with log-sd CELL_NOISE_SIGMA and mean
 * 1. A cell's noisy rate is its `expectedRate` times one of them, picked by the low byte of the cell hash.
 */
export function cellNoiseMultipliers(): Float64Array {
  return NOISE.slice();
}

/** The 4,096 equally likely standard-normal draws of `largeRateCount` (a copy), picked by the cell hash's top 12 bits. */
export function countNormals(): Float64Array {
  return NORMAL.slice();
}

/** Purchases of a cell whose noisy rate is at least EXACT_POISSON_LIMIT: the normal approximation of a Poisson count. */
export function largeRateCount(rate: number, z: number): number {
  return Math.max(1, Math.round(rate + Math.sqrt(rate) * z));
}

/**
 * Quantity of a sale of `count` purchases, in thousandths of a unit: count × 1000 for goods sold in units
 * (`kgMilli` = 0), else `kgMilli` grams per purchase times a jitter factor 0.7 + 0.6 × `jitter`, where `jitter` is
 * one of the 256 equally likely values b / 255 (b = 0 … 255).
 */
export function saleMilli(count: number, kgMilli: number, jitter: number): number {
  return kgMilli > 0 ? Math.max(1, Math.round(count * kgMilli * (0.7 + 0.6 * jitter))) : count * 1000;
}

/** How rows are numbered: consecutively from `next`, or by position in the store×item grid of a day. */
export type RowIds = { kind: 'sequential'; next: number } | { kind: 'grid'; base: number };

/**
 * The demand model's row source. For one day at a time it combines every multiplier (weekday by family and item,
 * festive season, payday, growth, holidays of the store's locale, item life cycle, promotions with family uplift),
 * draws each carried cell from a counter-based hash, and writes the cells that sold as Kaggle `train` rows.
 *
 * A cell's purchase rate λ is the pair's base rate × those multipliers × log-normal noise; the day sells when the
 * hashed uniform u exceeds e^-λ, and the count is the Poisson quantile of u (so one draw decides both whether and
 * how much). Weighed families turn the count into kilograms; a rare row is a return (negative).
 */
export class SalesDraw {
  /** Rows written by the last `writeStoreDay` call. */
  lastRows = 0;
  private day = Number.NaN;
  private open = false;
  private recordPromotions = false;
  /** Per store: `,YYYY-MM-DD,store_nbr,` of the prepared day. */
  private storeDayFields: Uint8Array[] = [];
  private readonly plan: PromotionPlan;
  private readonly itemFactor: Float64Array;
  private readonly storeFactor: Float64Array;
  private readonly uplift: Float64Array;
  private readonly kgMilli: Float64Array;
  private readonly itemFields: Uint8Array[];
  private readonly testPos: Int32Array;
  /** Per store, aligned with its carried items: the cell hash with every coordinate but the day. */
  private readonly pairKeys: Int32Array[];

  constructor(private readonly world: SyntheticWorld) {
    const { items, stores } = world;
    this.plan = new PromotionPlan(world.seed, items, stores.map((st) => st.storeNbr));
    this.itemFactor = new Float64Array(items.length);
    this.storeFactor = new Float64Array(stores.length);
    this.uplift = Float64Array.from(items, (it) => FAMILY_PROFILES[it.familyIndex].promoUplift);
    this.kgMilli = Float64Array.from(items, (it) => 1000 * FAMILY_PROFILES[it.familyIndex].kgPerPurchase);
    this.itemFields = items.map((it) => asciiBytes(`${it.itemNbr},`));
    this.testPos = new Int32Array(items.length).fill(-1);
    world.testItems.forEach((i, j) => {
      this.testPos[i] = j;
    });
    this.pairKeys = stores.map((st, s) =>
      Int32Array.from(world.assortment.carried[s], (i) => hash32(world.seed, STREAM.cell, st.storeNbr, items[i].itemNbr)),
    );
  }

  /** Computes the day's multipliers and promotion plan; returns false when stores are closed (Jan 1, Dec 25). */
  prepareDay(day: number): boolean {
    if (day === this.day) return this.open;
    this.day = day;
    this.open = !isClosedDay(day);
    const weekday = weekdayOf(day);
    const festive = festiveCurve(day);
    const festiveFactor = FAMILY_PROFILES.map((fam) => festive ** fam.festive);
    this.world.items.forEach((item, i) => {
      const fam = FAMILY_PROFILES[item.familyIndex];
      this.itemFactor[i] = weekdayFactor(fam, weekday, item.weekendScale) * festiveFactor[item.familyIndex] * lifecycleFactor(item, day);
    });
    const calendar = calendarFactor(day);
    for (let s = 0; s < this.storeFactor.length; s++) this.storeFactor[s] = calendar * this.world.holidayEffects.factor(day, s);
    this.plan.prepare(day);
    this.recordPromotions = day >= this.world.promotionCutoffDay;
    const iso = isoOf(day);
    this.storeDayFields = this.world.stores.map((st) => asciiBytes(`,${iso},${st.storeNbr},`));
    return this.open;
  }

  /** Whether item i is on promotion in store s on the prepared day (assortment and life cycle included). */
  isPromoted(s: number, i: number): boolean {
    const { mask } = this.world.assortment;
    return mask[s * this.world.items.length + i] === 1 && this.itemFactor[i] > 0 && this.plan.joins(i, s);
  }

  /**
   * The pre-noise purchase rate of the k-th carried item of store s (`assortment.carried[s][k]`) on the prepared
   * day: base rate × life cycle × weekday and festive factor of its family × calendar (growth, payday) × holiday
   * effect of the store × the family's promotion uplift when promoted. 0 on closed days and outside the item's
   * life. The cell's count is drawn from this rate times one of the `cellNoiseMultipliers()`; writeStoreDay uses
   * the same computation.
   */
  expectedRate(s: number, k: number): number {
    if (!this.open) return 0;
    const i = this.world.assortment.carried[s][k];
    if (this.itemFactor[i] === 0) return 0;
    return this.cellRate(s, k, i, this.cellPromoted(i, s));
  }

  /** Whether carried item i of store s is on promotion on the prepared day (life cycle checked by the caller). */
  private cellPromoted(i: number, s: number): boolean {
    return this.plan.slot[i] >= 0 && this.plan.joins(i, s);
  }

  /** Pre-noise rate of carried item i (position k) of store s on the prepared day, given its promotion state. */
  private cellRate(s: number, k: number, i: number, promoted: boolean): number {
    const rate = this.world.assortment.baseRate[s][k] * this.itemFactor[i] * this.storeFactor[s];
    return promoted ? rate * this.uplift[i] : rate;
  }

  /**
   * Writes the rows of store s on the prepared day; returns the units sold (in thousandths, returns excluded)
   * and leaves the row count in `lastRows`. With grid ids, a row's id is base + s × testItems + the item's
   * position in the test grid, i.e. the id of the same cell in `test`.
   */
  writeStoreDay(s: number, out: ChunkWriter, ids: RowIds): number {
    this.lastRows = 0;
    if (!this.open) return 0;
    const day = this.day;
    const carried = this.world.assortment.carried[s];
    const pairKeys = this.pairKeys[s];
    const { itemFactor, kgMilli, itemFields, testPos } = this;
    const prefix = this.storeDayFields[s];
    const record = this.recordPromotions;
    const sequential = ids.kind === 'sequential';
    let nextId = sequential ? ids.next : 0;
    const gridBase = sequential ? 0 : ids.base + s * this.world.testItems.length;

    let buf = out.buf;
    let pos = out.pos;
    let limit = buf.length - MAX_ROW_BYTES;
    let rows = 0;
    let milliUnits = 0;
    for (let k = 0; k < carried.length; k++) {
      const i = carried[k];
      if (itemFactor[i] === 0) continue;
      const promoted = this.cellPromoted(i, s);
      let rate = this.cellRate(s, k, i, promoted);
      // One hash per cell: its low byte picks the noise, its high 24 bits are the uniform u.
      const h = extendHash(pairKeys[k], day);
      rate *= NOISE[h & 255];
      const u = (h >>> 8) * U24_SCALE;
      // e^-r >= 1 - r, so most quiet cells are rejected without evaluating the exponential.
      if (u + rate < 1) continue;
      const p0 = Math.exp(-rate);
      if (u < p0) continue;

      let count: number;
      if (rate < EXACT_POISSON_LIMIT) {
        count = 1;
        let term = p0 * rate;
        let cdf = p0 + term;
        while (u >= cdf && count < 400) {
          count++;
          term *= rate / count;
          cdf += term;
        }
      } else {
        count = largeRateCount(rate, NORMAL[h >>> 20]);
      }
      const h2 = mix32(h ^ 0x5bd1e995);
      const jitter = (h2 >>> 24) / 255;
      const kg = kgMilli[i];
      let milli = saleMilli(count, kg, jitter);
      if (((h2 >>> 8) & 0xffff) < RETURN_THRESHOLD) {
        milli = kg > 0 ? -Math.max(1, Math.round(kg * (0.3 + jitter))) : -1000 * (1 + ((h2 >>> 24) % 3));
      } else {
        milliUnits += milli;
      }

      if (pos > limit) {
        out.pos = pos;
        out.flushChunk();
        buf = out.buf;
        pos = 0;
        limit = buf.length - MAX_ROW_BYTES;
      }
      pos = putUint(buf, pos, sequential ? nextId++ : gridBase + testPos[i]);
      pos = putBytes(buf, pos, prefix);
      pos = putBytes(buf, pos, itemFields[i]);
      pos = putMilli(buf, pos, milli);
      buf[pos++] = 44;
      if (record) pos = putBytes(buf, pos, promoted ? TRUE : FALSE);
      buf[pos++] = 10;
      rows++;
    }
    out.pos = pos;
    if (sequential) ids.next = nextId;
    this.lastRows = rows;
    return milliUnits;
  }

  /** Tickets of store s on the prepared day: proportional to its units sold, with 6% log-normal noise. */
  transactionsFor(s: number, milliUnits: number): number {
    const store = this.world.stores[s];
    const z = NORMAL[hash32(this.world.seed, STREAM.transactions, store.storeNbr, this.day) >>> 20];
    return Math.max(1, Math.round((milliUnits / 1000) * store.ticketsPerUnit * Math.exp(0.06 * z)));
  }
}
