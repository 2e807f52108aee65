import { z } from 'zod';
import 'zod-openapi';

/**
 * The API's request and response shapes. Requests are checked against these schemas, and the OpenAPI document
 * served at /openapi.json is generated from the same ones, so the two cannot drift apart.
 */

const MAX_KEY = 2_147_483_647;
const ISO_DAY = 'YYYY-MM-DD';

/** A key as the JSON body gives it: a whole number. */
const bodyKey = (name: string, description: string, example: number) =>
  z
    .int({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a whole number`) })
    .min(0, `${name} must be ≥ 0`)
    .max(MAX_KEY, `${name} must be ≤ ${MAX_KEY}`)
    .meta({ description, example });

/** A key as a query string gives it: digits, read as a whole number. */
const queryKey = (name: string, description: string, example: number) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v), bodyKey(name, description, example));

const STORE = 'Store number (`store_nbr` of the stores table).';
const ITEM = 'Item number (`item_nbr` of the items table).';
const DATE = `A forecast day (${ISO_DAY}), one of the 16 days from the origin; other days get a 422 naming the valid range.`;

/** Any string: a malformed date is answered with 422 and the valid range, not a generic 400. */
const forecastDate = z.string({ error: (issue) => (issue.input === undefined ? 'date is required' : `date must be a ${ISO_DAY} string`) }).meta({ description: DATE, format: 'date', example: '2017-08-16' });
const isoDate = (description: string) => z.string().meta({ description, format: 'date', example: '2017-08-16' });

export const forecastQuerySchema = z.strictObject({
  store_nbr: queryKey('store_nbr', STORE, 44),
  item_nbr: queryKey('item_nbr', ITEM, 1000866),
  date: forecastDate,
});

export const seriesQuerySchema = z.strictObject({
  store_nbr: queryKey('store_nbr', STORE, 44),
  item_nbr: queryKey('item_nbr', ITEM, 1000866),
});

export const batchQuerySchema = z
  .strictObject(
    { store_nbr: bodyKey('store_nbr', STORE, 44), item_nbr: bodyKey('item_nbr', ITEM, 1000866), date: forecastDate },
    { error: (issue) => (issue.code === 'invalid_type' ? 'each query must be an object {"store_nbr", "item_nbr", "date"}' : undefined) },
  )
  .meta({ id: 'ForecastQuery' });

/** The batch body; more than `maxBatch` queries is a 413. */
export function batchRequestSchema(maxBatch: number) {
  return z
    .strictObject(
      {
        queries: z
          .array(batchQuerySchema, { error: (issue) => (issue.input === undefined ? 'queries is required' : 'queries must be an array of queries') })
          .min(1, 'queries must hold at least one query')
          .max(maxBatch, `queries holds more than the ${maxBatch} queries a batch may have`),
      },
      { error: (issue) => (issue.code === 'invalid_type' ? 'the body must be a JSON object {"queries": [...]}' : undefined) },
    )
    .meta({ id: 'BatchForecastRequest', description: `Up to ${maxBatch} queries; all are answered by one model version.` });
}

export const reloadQuerySchema = z.strictObject({
  force: z.enum(['true', 'false'], { error: 'force must be true or false' }).optional().meta({
    description: 'Reload even when the model version and the origin are unchanged (e.g. after a re-ingest of the last day).',
  }),
});

export const modelStampSchema = z
  .object({
    name: z.string().meta({ example: 'favorita-unit-sales' }),
    version: z.string().meta({ description: 'The model version (the run id for a model served from a run directory).' }),
    run_id: z.string(),
  })
  .meta({ id: 'ModelStamp', description: 'The model version that made the forecasts.' });

const originField = isoDate('The origin: the first forecast day, the day after the last day of sales in the lake.');
const unitSales = z.number().min(0).meta({ description: 'Forecast unit sales: expm1 of the model output, clipped at 0, 4 decimals.' });
const coldStart = z.boolean().meta({ description: 'True for a known pair without sales in the year before the origin: the forecast is 0.' });
const horizon = z.int().min(0).max(15).meta({ description: 'Days after the origin.' });

export const forecastSchema = z
  .object({
    store_nbr: z.int(),
    item_nbr: z.int(),
    date: isoDate('The forecast day.'),
    horizon,
    unit_sales: unitSales,
    cold_start: coldStart,
  })
  .meta({ id: 'Forecast' });

export const forecastResponseSchema = z.object({ model: modelStampSchema, origin: originField, forecast: forecastSchema }).meta({ id: 'ForecastResponse' });

export const seriesResponseSchema = z
  .object({
    model: modelStampSchema,
    origin: originField,
    store_nbr: z.int(),
    item_nbr: z.int(),
    cold_start: coldStart,
    forecasts: z.array(z.object({ date: isoDate('The forecast day.'), horizon, unit_sales: unitSales })).length(16),
  })
  .meta({ id: 'SeriesForecastResponse' });

export const batchResponseSchema = z
  .object({ model: modelStampSchema, origin: originField, forecasts: z.array(forecastSchema).meta({ description: 'One forecast per query, in query order.' }) })
  .meta({ id: 'BatchForecastResponse' });

export const modelInfoSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    run_id: z.string(),
    created_at: z.string().meta({ description: 'When the model was trained (ISO 8601).' }),
    origin: originField,
    forecast_days: z.array(z.string()).length(16),
    training_window: z.object({ from: z.string(), to: z.string() }).meta({ description: 'First and last day of sales the model was trained on.' }),
    backtest: z.object({
      metric: z.string().meta({ example: 'NWRMSLE' }),
      validation_origin: z.string(),
      model: z.number(),
      baseline: z.number().meta({ description: 'The 14-day mean of log1p(sales).' }),
      improvement: z.number().meta({ description: '1 − model ÷ baseline.' }),
      per_horizon: z.array(z.object({ horizon, model: z.number(), baseline: z.number() })),
    }),
    series: z.int().meta({ description: 'Store×item pairs with a forecast (sales in the year before the origin).' }),
    stores: z.int(),
    items: z.int(),
    loaded_at: z.string(),
  })
  .meta({ id: 'ModelInfo' });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable reason, e.g. unknown_store, date_out_of_range, batch_too_large.' }),
      message: z.string().meta({ description: 'What is wrong and what would be accepted.' }),
      field: z.string().optional().meta({ description: 'The request field at fault, e.g. date or queries[3].item_nbr.' }),
    }),
  })
  .meta({ id: 'Error' });

export const healthSchema = z.object({ status: z.literal('ok') });

export const readySchema = z.object({
  status: z.enum(['ready', 'loading', 'stopping']),
  model_version: z.string().optional(),
  origin: z.string().optional(),
});

export const reloadResponseSchema = z
  .object({
    changed: z.boolean().meta({ description: 'False when the model version and the origin were unchanged.' }),
    model: modelStampSchema,
    origin: originField,
    previous: z.object({ version: z.string(), origin: z.string() }).nullable(),
    seconds: z.number(),
  })
  .meta({ id: 'ReloadResponse' });
