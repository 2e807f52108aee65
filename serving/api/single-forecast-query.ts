import { FORECAST_PATH } from './forecast-routes.js';

/** The keys of one `GET /v1/forecast` query as the fast path reads them. */
export interface SingleForecastQuery {
  readonly store: number;
  readonly item: number;
  /** Digits and dashes, not yet checked as a day: the caller looks it up among the forecast days. */
  readonly date: string;
}

const PATH_AND_QUERY = `${FORECAST_PATH}?`;
const MAX_KEY = 2_147_483_647;

/**
 * The query of a `GET /v1/forecast` URL in its plainest form, else undefined: the path exactly, then store_nbr,
 * item_nbr and date once each, in any order, and nothing else; keys of 1 to 10 digits up to 2^31 − 1, a date of
 * digits and dashes; no empty pair. Without percent-escapes or `+`, every query accepted here reads the same
 * through express's query parser and the route's schema; everything refused is left to them (and their error
 * answers).
 */
export function singleForecastQuery(url: string): SingleForecastQuery | undefined {
  if (!url.startsWith(PATH_AND_QUERY)) return undefined;
  let store = -1;
  let item = -1;
  let date: string | undefined;
  let at = PATH_AND_QUERY.length;
  for (;;) {
    let end = url.indexOf('&', at);
    if (end < 0) end = url.length;
    if (url.startsWith('store_nbr=', at) && store < 0) {
      store = digitsValue(url, at + 10, end);
      if (store < 0) return undefined;
    } else if (url.startsWith('item_nbr=', at) && item < 0) {
      item = digitsValue(url, at + 9, end);
      if (item < 0) return undefined;
    } else if (url.startsWith('date=', at) && date === undefined && isDateText(url, at + 5, end)) {
      date = url.slice(at + 5, end);
    } else {
      return undefined;
    }
    if (end === url.length) break;
    at = end + 1;
  }
  return store >= 0 && item >= 0 && date !== undefined ? { store, item, date } : undefined;
}

/** The number written by `text[from, to)` when that is 1 to 10 decimal digits and at most MAX_KEY, else −1. */
function digitsValue(text: string, from: number, to: number): number {
  if (to <= from || to - from > 10) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value <= MAX_KEY ? value : -1;
}

/** Whether `text[from, to)` holds nothing but digits and dashes (a forecast day is YYYY-MM-DD). */
function isDateText(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 45) return false;
  }
  return true;
}
