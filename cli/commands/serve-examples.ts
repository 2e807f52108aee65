import type { ForecastState } from '../../serving/state/forecast-state.js';

/**
 * Example calls against a running server, with a series and days it really serves: a single forecast, a series, a
 * batch, the model and the metrics. Printed by `serve` and `demo` once the server is ready.
 */
export function formatServeExamples(url: string, state: ForecastState): string {
  const lines = [`Serving forecasts at ${url}: model ${state.model.name} version ${state.model.version}, origin ${state.origin}. Try:`];
  if (state.series.rows > 0) {
    const a = state.series.keyAt(0);
    const b = state.series.keyAt(Math.min(1, state.series.rows - 1));
    const first = state.dates[0];
    const last = state.dates.at(-1)!;
    const batch = JSON.stringify({
      queries: [
        { store_nbr: a.store, item_nbr: a.item, date: first },
        { store_nbr: b.store, item_nbr: b.item, date: last },
      ],
    });
    lines.push(
      `  curl '${url}/v1/forecast?store_nbr=${a.store}&item_nbr=${a.item}&date=${first}'`,
      `  curl '${url}/v1/forecast/series?store_nbr=${a.store}&item_nbr=${a.item}'`,
      `  curl -X POST '${url}/v1/forecast' -H 'content-type: application/json' -d '${batch}'`,
    );
  }
  lines.push(`  curl '${url}/v1/model'`, `  curl '${url}/metrics'`, `  (OpenAPI at ${url}/openapi.json.) Stop with Ctrl-C.`);
  return lines.join('\n');
}
