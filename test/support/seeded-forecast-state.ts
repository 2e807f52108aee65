import { seededRandom } from '../../core/seeded-random.js';
import { buildForecastState, type ForecastState } from '../../serving/state/forecast-state.js';

/** The series of a seeded state: (store, item) pairs in ascending order. */
export const SEEDED_SERIES = [
  [3, 100],
  [3, 200],
  [7, 100],
  [7, 300],
  [12, 1000866],
] as const;
/** Known besides the series: a store and an item without any, so that their pairs are cold starts. */
export const SEEDED_EXTRA_STORE = 44;
export const SEEDED_EXTRA_ITEM = 555;

/**
 * A forecast state built from seeded log forecasts (no model, no lake): the series above, 16 days from `origin`,
 * one series with a NaN forecast (served as 0). `name` and `version` stamp its forecasts.
 */
export function seededForecastState(options: { id: number; version: string; seed: number; name?: string; origin?: string }): ForecastState {
  const next = seededRandom(options.seed);
  const rows = SEEDED_SERIES.length;
  const logForecasts = Float32Array.from({ length: rows * 16 }, () => next() * 5);
  logForecasts.fill(Number.NaN, 16, 32);
  const origin = options.origin ?? '2017-08-16';
  return buildForecastState({
    id: options.id,
    model: {
      name: options.name ?? 'favorita-unit-sales',
      version: options.version,
      runId: `run-${options.version}`,
      location: 'seeded',
      createdAt: '2017-08-20T00:00:00.000Z',
      trainingWindow: { from: '2016-08-15', to: '2017-08-15' },
      lastObservedDay: '2017-08-15',
      backtest: { metric: 'NWRMSLE', validationOrigin: '2017-07-26', model: 0.5, baseline: 0.6, improvement: 1 / 6, perHorizon: [] },
    },
    origin,
    storeNbr: Int32Array.from(SEEDED_SERIES, ([s]) => s),
    itemNbr: Int32Array.from(SEEDED_SERIES, ([, i]) => i),
    logForecasts,
    outputs: 16,
    knownStores: Int32Array.of(SEEDED_EXTRA_STORE),
    knownItems: Int32Array.of(SEEDED_EXTRA_ITEM),
    loadedAt: '2017-08-20T01:00:00.000Z',
    loadSeconds: 1,
  });
}
