import type { z } from 'zod';
import { HttpError } from '../../core/errors.js';
import type { PredictionLog } from '../prediction-log/prediction-log.js';
import { horizonOfDate, seriesRow, unitSalesAt } from '../state/forecast-lookup.js';
import {
  batchRequestSchema,
  batchResponseSchema,
  errorSchema,
  forecastQuerySchema,
  forecastResponseSchema,
  seriesQuerySchema,
  seriesResponseSchema,
} from './api-schemas.js';
import { defineRoute, type RouteSpec } from './route-spec.js';
import type { ServedState } from './served-state.js';

export interface ForecastRouteDeps {
  readonly served: () => ServedState;
  readonly predictionLog?: PredictionLog;
  readonly maxBatch: number;
}

const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': json('Malformed query or body.', errorSchema),
  '404': json('Unknown store or item (named in the message).', errorSchema),
  '422': json('Malformed date, or a date outside the 16 forecast days (the message names the valid range).', errorSchema),
  '503': json('The model and the feature snapshot are still loading.', errorSchema),
} as const;

/** The path of single forecasts (GET) and batches (POST). */
export const FORECAST_PATH = '/v1/forecast';

/** `GET /v1/forecast`, `GET /v1/forecast/series` and `POST /v1/forecast`: lookups in the served state. */
export function forecastRoutes(deps: ForecastRouteDeps): RouteSpec[] {
  const { served, predictionLog: log } = deps;
  const single = defineRoute<z.output<typeof forecastQuerySchema>>({
    method: 'get',
    path: FORECAST_PATH,
    query: forecastQuerySchema,
    operation: {
      operationId: 'getForecast',
      summary: 'The forecast of one store and item for one day',
      tags: ['forecasts'],
      responses: { '200': json('The forecast, with the model version and origin that made it.', forecastResponseSchema), ...errors },
    },
    handle: ({ query }, res) => {
      const { state, stamp, logSlot } = served();
      const row = seriesRow(state, query.store_nbr, query.item_nbr);
      const horizon = horizonOfDate(state, query.date);
      const unitSales = unitSalesAt(state, row, horizon);
      log?.record(Date.now(), query.store_nbr, query.item_nbr, horizon, unitSales, row < 0, logSlot);
      res.json({
        model: stamp,
        origin: state.origin,
        forecast: { store_nbr: query.store_nbr, item_nbr: query.item_nbr, date: state.dates[horizon], horizon, unit_sales: unitSales, cold_start: row < 0 },
      });
    },
  });

  const series = defineRoute<z.output<typeof seriesQuerySchema>>({
    method: 'get',
    path: `${FORECAST_PATH}/series`,
    query: seriesQuerySchema,
    operation: {
      operationId: 'getSeriesForecast',
      summary: 'The forecasts of one store and item for all 16 days from the origin',
      tags: ['forecasts'],
      responses: { '200': json('16 forecasts, origin first.', seriesResponseSchema), '400': errors['400'], '404': errors['404'], '503': errors['503'] },
    },
    handle: ({ query }, res) => {
      const { state, stamp, logSlot } = served();
      const row = seriesRow(state, query.store_nbr, query.item_nbr);
      const servedAt = Date.now();
      const forecasts = state.dates.map((date, horizon) => {
        const unitSales = unitSalesAt(state, row, horizon);
        log?.record(servedAt, query.store_nbr, query.item_nbr, horizon, unitSales, row < 0, logSlot);
        return { date, horizon, unit_sales: unitSales };
      });
      res.json({ model: stamp, origin: state.origin, store_nbr: query.store_nbr, item_nbr: query.item_nbr, cold_start: row < 0, forecasts });
    },
  });

  const batchSchema = batchRequestSchema(deps.maxBatch);
  const batch = defineRoute<Record<string, never>, z.output<typeof batchSchema>>({
    method: 'post',
    path: FORECAST_PATH,
    body: batchSchema,
    operation: {
      operationId: 'postForecasts',
      summary: `Forecasts for a batch of up to ${deps.maxBatch} store/item/day queries, all from one model version`,
      description: 'The batch is answered whole or refused whole: the first bad query is named in the error (e.g. field queries[3].date).',
      tags: ['forecasts'],
      responses: {
        '200': json('One forecast per query, in query order.', batchResponseSchema),
        ...errors,
        '413': json(`More than ${deps.maxBatch} queries, or a body over the size limit.`, errorSchema),
        '415': json('The body is not JSON.', errorSchema),
      },
    },
    handle: ({ body }, res) => {
      const { state, stamp, logSlot } = served();
      const queries = body.queries;
      const n = queries.length;
      const rows = new Int32Array(n);
      const horizons = new Int32Array(n);
      // Every query is checked before anything is answered or logged: a batch is answered whole or refused whole.
      for (let i = 0; i < n; i++) {
        const q = queries[i];
        try {
          rows[i] = seriesRow(state, q.store_nbr, q.item_nbr);
          horizons[i] = horizonOfDate(state, q.date);
        } catch (err) {
          throw inQuery(err, i);
        }
      }
      const servedAt = Date.now();
      const forecasts = new Array<object>(n);
      for (let i = 0; i < n; i++) {
        const q = queries[i];
        const h = horizons[i];
        const unitSales = unitSalesAt(state, rows[i], h);
        log?.record(servedAt, q.store_nbr, q.item_nbr, h, unitSales, rows[i] < 0, logSlot);
        forecasts[i] = { store_nbr: q.store_nbr, item_nbr: q.item_nbr, date: state.dates[h], horizon: h, unit_sales: unitSales, cold_start: rows[i] < 0 };
      }
      res.json({ model: stamp, origin: state.origin, forecasts });
    },
  });
  return [single, series, batch];
}

/** An error of query i of a batch, with the field and message pointing at it. */
function inQuery(err: unknown, i: number): unknown {
  if (!(err instanceof HttpError)) return err;
  return new HttpError(err.status, err.apiCode, `queries[${i}]: ${err.message}`, { field: `queries[${i}].${err.field ?? ''}`, cause: err });
}
