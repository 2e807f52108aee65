import type { ServedState } from './served-state.js';

/**
 * The JSON body of a `GET /v1/forecast` answer written as text: byte for byte what `res.json` makes of the
 * route's object (same keys, same order), without building the object. What depends only on the served state
 * is encoded once.
 */
export class SingleForecastBody {
  readonly served: ServedState;
  readonly #head: string;
  /** Per horizon: the text between item_nbr's value and horizon's value. */
  readonly #dates: readonly string[];
  /** UTF-8 bytes beyond one per character: only the model stamp may hold non-ASCII text. */
  readonly #extraBytes: number;

  constructor(served: ServedState) {
    this.served = served;
    this.#head = `{"model":${JSON.stringify(served.stamp)},"origin":${JSON.stringify(served.state.origin)},"forecast":{"store_nbr":`;
    this.#dates = served.state.dates.map((date) => `,"date":${JSON.stringify(date)},"horizon":`);
    this.#extraBytes = Buffer.byteLength(this.#head) - this.#head.length;
  }

  /** The UTF-8 length of a text made by `text`. */
  byteLength(text: string): number {
    return text.length + this.#extraBytes;
  }

  /** The body of one forecast from the served state. */
  text(store: number, item: number, horizon: number, unitSales: number, coldStart: boolean): string {
    return (
      this.#head +
      store +
      ',"item_nbr":' +
      item +
      this.#dates[horizon] +
      horizon +
      ',"unit_sales":' +
      // JSON writes numbers as String does, except the non-finite ones, which it writes as null.
      (Number.isFinite(unitSales) ? unitSales : 'null') +
      (coldStart ? ',"cold_start":true}}' : ',"cold_start":false}}')
    );
  }
}
