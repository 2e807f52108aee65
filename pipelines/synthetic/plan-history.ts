import { isoOf } from './day-calendar.js';
import { asciiBytes, putBytes, putUint } from './csv-encoding.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { SalesDraw } from './sales-draw.js';
import type { SyntheticWorld } from './synthetic-world.js';

const ROW_END = asciiBytes('True\n');
const MAX_ROW_BYTES = 48;

/**
 * Writes the promotion plans of past days in the `test` schema: one row per promoted store×item cell, sold or
 * not, for each open day in [fromDay, toDay] since promotions were recorded. A retailer keeps such a calendar;
 * the Kaggle files do not, which leaves promotions known only on days with sales. Ids are consecutive from
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
  const { stores, items } = world;
  const storeFields = stores.map((s) => asciiBytes(`${s.storeNbr},`));
  const itemFields = items.map((it) => asciiBytes(`${it.itemNbr},`));
  let id = firstId;
  for (let day = Math.max(days.from, world.promotionCutoffDay); day <= days.to; day++) {
    if (!draw.prepareDay(day)) continue;
    const dateField = asciiBytes(`,${isoOf(day)},`);
    for (let s = 0; s < stores.length; s++) {
      const before = id;
      let buf = out.buf;
      let pos = out.pos;
      for (let i = 0; i < items.length; i++) {
        if (!draw.isPromoted(s, i)) continue;
        if (pos > buf.length - MAX_ROW_BYTES) {
          out.pos = pos;
          out.flushChunk();
          buf = out.buf;
          pos = 0;
        }
        pos = putUint(buf, pos, id++);
        pos = putBytes(buf, pos, dateField);
        pos = putBytes(buf, pos, storeFields[s]);
        pos = putBytes(buf, pos, itemFields[i]);
        pos = putBytes(buf, pos, ROW_END);
      }
      out.pos = pos;
      onStoreDay(id - before);
      await out.settle();
    }
  }
  return id - firstId;
}
