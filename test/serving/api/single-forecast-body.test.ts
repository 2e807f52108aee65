/** The hand-written body of a single forecast against JSON.stringify of the object the express route answers. */
import { describe, expect, it } from 'vitest';
import { servedStates } from '../../../serving/api/served-state.js';
import { SingleForecastBody } from '../../../serving/api/single-forecast-body.js';
import { seededForecastState } from '../../support/seeded-forecast-state.js';

/** What the route hands to res.json (serving/api/forecast-routes.ts). */
function routeObject(served: ReturnType<ReturnType<typeof servedStates>>, store: number, item: number, horizon: number, unitSales: number, coldStart: boolean): object {
  const { state, stamp } = served;
  return {
    model: stamp,
    origin: state.origin,
    forecast: { store_nbr: store, item_nbr: item, date: state.dates[horizon], horizon, unit_sales: unitSales, cold_start: coldStart },
  };
}

describe('SingleForecastBody', () => {
  it('writes what JSON.stringify writes, for every day and for numbers of every form, with the UTF-8 length', () => {
    for (const name of ['favorita-unit-sales', 'ventas-años "ñ" \\ \u2028 \u{1f4c8}']) {
      const state = seededForecastState({ id: 1, version: 'v1', seed: 3, name });
      const served = servedStates(() => state, undefined)();
      const body = new SingleForecastBody(served);
      const sales = [0, 1, 0.0001, 12.3456, 123456789.1234, 1e21, 5e-7, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NaN];
      for (let h = 0; h < 16; h++) {
        for (const unitSales of sales) {
          for (const [store, item, cold] of [[0, 0, true], [44, 1000866, false], [2_147_483_647, 7, false]] as const) {
            const text = body.text(store, item, h, unitSales, cold);
            expect(text).toBe(JSON.stringify(routeObject(served, store, item, h, unitSales, cold)));
            expect(body.byteLength(text)).toBe(Buffer.byteLength(text));
          }
        }
      }
    }
  });
});
