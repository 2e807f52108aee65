/**
 * The fast path's query reader against the express route's own reading of the same URL (node's querystring, as
 * express's "simple" query parser, then the route's zod schema): whatever it accepts must read the same there.
 */
import { parse } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../core/seeded-random.js';
import { forecastQuerySchema } from '../../../serving/api/api-schemas.js';
import { singleForecastQuery } from '../../../serving/api/single-forecast-query.js';

/** The route's reading of a URL's query, or undefined when the route refuses it (or the path is another). */
function routeReading(url: string): { store: number; item: number; date: string } | undefined {
  const [path, ...rest] = url.split('?');
  if (path !== '/v1/forecast' || rest.length === 0) return undefined;
  const parsed = forecastQuerySchema.safeParse(parse(rest.join('?')));
  return parsed.success ? { store: parsed.data.store_nbr, item: parsed.data.item_nbr, date: parsed.data.date } : undefined;
}

describe('singleForecastQuery', () => {
  it('reads the plain form, in any order, as the route does', () => {
    const plain = [
      '/v1/forecast?store_nbr=44&item_nbr=1000866&date=2017-08-16',
      '/v1/forecast?date=2017-08-31&item_nbr=1&store_nbr=0',
      '/v1/forecast?item_nbr=0001000866&store_nbr=044&date=2017-08-20',
      '/v1/forecast?store_nbr=2147483647&item_nbr=2147483647&date=2017-08-16',
      // Not checked as a day here: the caller looks it up among the forecast days.
      '/v1/forecast?store_nbr=1&item_nbr=2&date=2017-8-16',
    ];
    for (const url of plain) {
      const read = singleForecastQuery(url);
      expect(read, url).toBeDefined();
      expect(read, url).toEqual(routeReading(url));
    }
    expect(singleForecastQuery('/v1/forecast?store_nbr=044&item_nbr=7&date=2017-08-16')).toEqual({ store: 44, item: 7, date: '2017-08-16' });
  });

  it('leaves everything else to the route', () => {
    const others = [
      '/v1/forecast',
      '/v1/forecast?',
      '/v1/forecast/?store_nbr=1&item_nbr=2&date=2017-08-16',
      '/V1/forecast?store_nbr=1&item_nbr=2&date=2017-08-16',
      '/v1/forecast/series?store_nbr=1&item_nbr=2',
      'http://127.0.0.1/v1/forecast?store_nbr=1&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=1&item_nbr=2',
      '/v1/forecast?store_nbr=1&date=2017-08-16',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=2017-08-16&horizon=2',
      '/v1/forecast?store_nbr=1&store_nbr=1&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=2017-08-16&date=2017-08-17',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=2017-08-16&',
      '/v1/forecast?&store_nbr=1&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=1&&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=%31&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store%5Fnbr=1&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=+1&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=-1&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=1.0&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=2147483648&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=00000000001&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr&item_nbr=2&date=2017-08-16',
      '/v1/forecast?Store_nbr=1&item_nbr=2&date=2017-08-16',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=tomorrow',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=2017%2D08-16',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=2017-08-16+',
      '/v1/forecast?store_nbr=1&item_nbr=2&date=2017-08-16#x',
    ];
    for (const url of others) expect(singleForecastQuery(url), url).toBeUndefined();
  });

  it('never reads a seeded random URL differently from the route', () => {
    const next = seededRandom(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const names = ['store_nbr', 'item_nbr', 'date', 'horizon', 'store%5Fnbr', 'Date', ''];
    const keys = ['44', '044', '0', '7', '2147483647', '2147483648', '12345678901', '-1', '+1', '%34%34', '1e3', ''];
    const dates = ['2017-08-16', '2017-8-16', '2017-08-16%00', '2017+08-16', '20170816', '-', ''];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      // The three parameters in a random order and with random values, then now and then one change more.
      const pairs = ['store_nbr', 'item_nbr', 'date'].sort(() => next() - 0.5).map((name) => [name, pick(name === 'date' ? dates : keys)]);
      const change = next();
      if (change < 0.1) pairs.push([pick(names), pick([...keys, ...dates])]);
      else if (change < 0.2) pairs[Math.floor(next() * 3)][0] = pick(names);
      else if (change < 0.25) pairs.splice(Math.floor(next() * 3), 1);
      const url = `${next() < 0.95 ? '/v1/forecast?' : '/v1/forecast/?'}${pairs.map(([k, v]) => (next() < 0.02 ? k : `${k}=${v}`)).join(next() < 0.97 ? '&' : '&&')}`;
      const read = singleForecastQuery(url);
      if (read === undefined) continue;
      accepted++;
      expect(read, url).toEqual(routeReading(url));
    }
    expect(accepted).toBeGreaterThan(1_000);
  });
});
