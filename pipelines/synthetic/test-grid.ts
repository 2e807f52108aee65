import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { isoOf } from './day-calendar.js';
import { asciiBytes, putBytes, putUint } from './csv-encoding.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { SalesDraw } from './sales-draw.js';
import type { SyntheticWorld } from './synthetic-world.js';

const TRUE = asciiBytes('True\n');
const FALSE = asciiBytes('False\n');
const MAX_ROW_BYTES = 48;

/**
 * Writes the `test` rows: every store × every item still on sale, for the 16 days after the last train day,
 * date-major, with `onpromotion` from the promotion plan. Ids start at `firstId` (the train row count) and are
 * consecutive. `onStoreDay` is called after each store-day with its row count (progress and backpressure).
 */
export async function writeTestGrid(
  world: SyntheticWorld,
  draw: SalesDraw,
  out: ChunkWriter,
  firstId: number,
  onStoreDay: (rows: number) => void = () => undefined,
): Promise<number> {
  const rows = new PlanRows(world, out, firstId);
  for (let offset = 1; offset <= HORIZON_DAYS; offset++) {
    const day = world.endDay + offset;
    draw.prepareDay(day);
    for (let s = 0; s < world.stores.length; s++) {
      onStoreDay(rows.writeStoreDay(day, s, world.testItems, (i) => (draw.isPromoted(s, i) ? TRUE : FALSE)));
      await out.settle();
    }
  }
  return rows.nextId - firstId;
}

/**
 * Writes the promotion plans of past days in the `test` schema: one row per promoted store×item cell, sold or
 * not, for each open day in [from, to] since promotions were recorded. A retailer keeps such a calendar; the
 * Kaggle files do not, which leaves promotions known only on days with sales. Ids are consecutive from
 * `firstId`. Returns the row count.
 */
export async function writePlanHistory(
  world: SyntheticWorld,
  draw: SalesDraw,
  out: ChunkWriter,
  firstId: number,
  days: { readonly from: number; readonly to: number },
  onStoreDay: (rows: number) => void = () => undefined,
): Promise<number> {
  const rows = new PlanRows(world, out, firstId);
  const everyItem = world.items.map((_, i) => i);
  for (let day = Math.max(days.from, world.promotionCutoffDay); day <= days.to; day++) {
    if (!draw.prepareDay(day)) continue;
    for (let s = 0; s < world.stores.length; s++) {
      onStoreDay(rows.writeStoreDay(day, s, everyItem, (i) => (draw.isPromoted(s, i) ? TRUE : undefined)));
      await out.settle();
    }
  }
  return rows.nextId - firstId;
}

/** `test` rows (id, date, store_nbr, item_nbr, onpromotion) written straight into a chunk writer's buffer. */
class PlanRows {
  nextId: number;
  private readonly storeFields: Uint8Array[];
  private readonly itemFields: Uint8Array[];

  constructor(
    world: SyntheticWorld,
    private readonly out: ChunkWriter,
    firstId: number,
  ) {
    this.nextId = firstId;
    this.storeFields = world.stores.map((s) => asciiBytes(`${s.storeNbr},`));
    this.itemFields = world.items.map((it) => asciiBytes(`${it.itemNbr},`));
  }

  /** One row per item of `items` whose flag (`True\n` or `False\n`) is given; returns the rows written. */
  writeStoreDay(day: number, s: number, items: ArrayLike<number>, flagOf: (i: number) => Uint8Array | undefined): number {
    const { out } = this;
    const dateField = asciiBytes(`,${isoOf(day)},`);
    const first = this.nextId;
    let buf = out.buf;
    let pos = out.pos;
    for (let j = 0; j < items.length; j++) {
      const i = items[j];
      const flag = flagOf(i);
      if (flag === undefined) continue;
      if (pos > buf.length - MAX_ROW_BYTES) {
        out.pos = pos;
        out.flushChunk();
        buf = out.buf;
        pos = 0;
      }
      pos = putUint(buf, pos, this.nextId++);
      pos = putBytes(buf, pos, dateField);
      pos = putBytes(buf, pos, this.storeFields[s]);
      pos = putBytes(buf, pos, this.itemFields[i]);
      pos = putBytes(buf, pos, flag);
    }
    out.pos = pos;
    return this.nextId - first;
  }
}
