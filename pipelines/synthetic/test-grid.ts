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
  const { stores, testItems, items } = world;
  const storeFields = stores.map((s) => asciiBytes(`${s.storeNbr},`));
  const itemFields = items.map((it) => asciiBytes(`${it.itemNbr},`));
  let id = firstId;
  for (let offset = 1; offset <= HORIZON_DAYS; offset++) {
    const day = world.endDay + offset;
    draw.prepareDay(day);
    const dateField = asciiBytes(`,${isoOf(day)},`);
    for (let s = 0; s < stores.length; s++) {
      let buf = out.buf;
      let pos = out.pos;
      for (let j = 0; j < testItems.length; j++) {
        const i = testItems[j];
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
        pos = putBytes(buf, pos, draw.isPromoted(s, i) ? TRUE : FALSE);
      }
      out.pos = pos;
      onStoreDay(testItems.length);
      await out.settle();
    }
  }
  return id - firstId;
}
