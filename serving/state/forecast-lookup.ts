import { HttpError } from '../../core/errors.js';
import { isIsoDate } from '../../pipelines/features/index.js';
import type { ForecastState } from './forecast-state.js';

/**
 * The row of a known (store, item) pair, or −1 for a pair without sales in the year before the origin (a cold
 * start, forecast 0). An unknown store or item is a 404 naming it; `field` prefixes the field names.
 */
export function seriesRow(state: ForecastState, store: number, item: number, field = ''): number {
  if (!state.stores.has(store)) {
    throw new HttpError(404, 'unknown_store', `store_nbr ${store} is not a known store (${describeRange(state.stores.range, state.stores.size, 'store')})`, {
      field: `${field}store_nbr`,
    });
  }
  if (!state.items.has(item)) {
    throw new HttpError(404, 'unknown_item', `item_nbr ${item} is not a known item (${describeRange(state.items.range, state.items.size, 'item')})`, {
      field: `${field}item_nbr`,
    });
  }
  return state.series.row(store, item);
}

/** The horizon (0 … 15) of a forecast day; a 422 naming the valid range for a malformed or out-of-range date. */
export function horizonOfDate(state: ForecastState, date: string, field = 'date'): number {
  const h = state.horizonOf.get(date);
  if (h !== undefined) return h;
  const range = `${state.dates[0]} … ${state.dates[state.dates.length - 1]} (the ${state.dates.length} days from origin ${state.origin})`;
  if (!isIsoDate(date)) {
    throw new HttpError(422, 'invalid_date', `${field} ${JSON.stringify(date)} is not a date: expected YYYY-MM-DD from ${range}`, { field });
  }
  throw new HttpError(422, 'date_out_of_range', `${field} ${date} is outside the forecast horizon: expected a day from ${range}`, { field });
}

/** The forecast of a series row for a horizon; 0 for a cold start (row −1). */
export function unitSalesAt(state: ForecastState, row: number, horizon: number): number {
  return row < 0 ? 0 : state.unitSales[row * state.dates.length + horizon];
}

function describeRange(range: { min: number; max: number } | undefined, size: number, what: string): string {
  return range ? `the lake knows ${size} ${what}s, numbered ${range.min} … ${range.max}` : `the lake knows no ${what}s`;
}
