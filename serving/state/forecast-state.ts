import { DataError } from '../../core/errors.js';
import { addDays } from '../../pipelines/features/index.js';
import { HORIZON_DAYS } from '../../pipelines/schema/kaggle-schema.js';
import type { ModelIdentity } from '../model/model-source.js';
import { SeriesIndex } from './series-index.js';
import { SortedIntSet } from './sorted-int-set.js';

/**
 * Everything a forecast query reads, fixed at load: the model version, the origin, and the forecast of every
 * series for each of the 16 days. Immutable: a reload builds a new one and swaps the reference, so one request
 * that reads `current` once sees one version throughout.
 */
export interface ForecastState {
  /** Increases with every state loaded in this process. */
  readonly id: number;
  readonly model: ModelIdentity;
  /** The first forecast day: the lake's last sales day + 1. */
  readonly origin: string;
  /** The 16 forecast days, origin first. */
  readonly dates: readonly string[];
  /** Forecast day → horizon (0 … 15). */
  readonly horizonOf: ReadonlyMap<string, number>;
  readonly series: SeriesIndex;
  /** Stores and items of the lake's reference tables (and of the series). */
  readonly stores: SortedIntSet;
  readonly items: SortedIntSet;
  /** series.rows × 16, row-major: unit sales = expm1 of the model's log forecast, clipped at 0, 4 decimals. */
  readonly unitSales: Float64Array;
  readonly loadedAt: string;
  readonly loadSeconds: number;
}

/** The model's forecasts of every series at one origin, and the lake's known stores and items. */
export interface ScoredSeries {
  readonly origin: string;
  /** Series keys in ascending (store, item) order. */
  readonly storeNbr: Int32Array;
  readonly itemNbr: Int32Array;
  /** The model's output: rows × outputs, log1p space. */
  readonly logForecasts: Float32Array;
  readonly outputs: number;
  readonly knownStores: Int32Array;
  readonly knownItems: Int32Array;
}

/** What a state is built from: the scored series of one model version at one origin. */
export interface ForecastStateInputs extends ScoredSeries {
  readonly id: number;
  readonly model: ModelIdentity;
  readonly loadedAt: string;
  readonly loadSeconds: number;
}

/** Builds the immutable state: sales-space forecasts and the indexes. A DataError when the shapes disagree. */
export function buildForecastState(inputs: ForecastStateInputs): ForecastState {
  const rows = inputs.storeNbr.length;
  if (inputs.outputs !== HORIZON_DAYS) throw new DataError(`the model has ${inputs.outputs} outputs, expected one per forecast day (${HORIZON_DAYS})`);
  if (inputs.logForecasts.length !== rows * HORIZON_DAYS) {
    throw new DataError(`the model returned ${inputs.logForecasts.length} values for ${rows} series × ${HORIZON_DAYS} days`);
  }
  const unitSales = new Float64Array(rows * HORIZON_DAYS);
  for (let i = 0; i < unitSales.length; i++) unitSales[i] = unitSalesOf(inputs.logForecasts[i]);
  const dates = Array.from({ length: HORIZON_DAYS }, (_, h) => addDays(inputs.origin, h));
  return Object.freeze({
    id: inputs.id,
    model: inputs.model,
    origin: inputs.origin,
    dates: Object.freeze(dates),
    horizonOf: new Map(dates.map((d, h) => [d, h])),
    series: SeriesIndex.build(inputs.storeNbr, inputs.itemNbr),
    stores: SortedIntSet.of(inputs.knownStores, inputs.storeNbr),
    items: SortedIntSet.of(inputs.knownItems, inputs.itemNbr),
    unitSales,
    loadedAt: inputs.loadedAt,
    loadSeconds: inputs.loadSeconds,
  });
}

/** Unit sales from a log1p forecast: expm1, clipped at 0 (NaN too), rounded to 4 decimals as submissions are. */
export function unitSalesOf(logForecast: number): number {
  const sales = Math.expm1(logForecast);
  return sales > 0 ? Math.round(sales * 1e4) / 1e4 : 0;
}
