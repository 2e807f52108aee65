import type { IncomingMessage, RequestListener } from 'node:http';
import type { PredictionLog } from '../prediction-log/prediction-log.js';
import { unitSalesAt } from '../state/forecast-lookup.js';
import type { ForecastStateHolder } from '../state/forecast-state-holder.js';
import type { ApiMetrics } from './api-metrics.js';
import { FORECAST_PATH } from './forecast-routes.js';
import { servedStates } from './served-state.js';
import { SingleForecastBody } from './single-forecast-body.js';
import { singleForecastQuery } from './single-forecast-query.js';

export interface ForecastFastPathDeps {
  readonly holder: Pick<ForecastStateHolder, 'current'>;
  readonly metrics: ApiMetrics;
  readonly predictionLog?: PredictionLog;
}

/**
 * A request listener that answers the hot route, `GET /v1/forecast`, without express: when the query is in its
 * plainest form (see singleForecastQuery) and names a known store, a known item and a forecast day, it answers
 * with the same status, headers and body as the express route, logs the prediction and counts the request under
 * the route's labels. Everything else goes to `fallback`, the express app, so that every error answer comes from
 * its routes and its one error handler.
 */
export function forecastFastPath(deps: ForecastFastPathDeps, fallback: RequestListener): RequestListener {
  const { holder, predictionLog: log } = deps;
  const served = servedStates(() => holder.current, log);
  const answered = deps.metrics.requestRecorder('GET', FORECAST_PATH, 200);
  let body: SingleForecastBody | undefined;
  return (req, res) => {
    const started = performance.now();
    const query = req.method === 'GET' ? singleForecastQuery(req.url ?? '') : undefined;
    const state = holder.current;
    if (query === undefined || state === undefined || !state.stores.has(query.store) || !state.items.has(query.item) || isConditional(req)) {
      fallback(req, res);
      return;
    }
    const horizon = state.horizonOf.get(query.date);
    if (horizon === undefined) {
      fallback(req, res);
      return;
    }
    // One state for the whole answer: `state` above is the one `served()` returns (no await in between).
    const now = served();
    if (body?.served !== now) body = new SingleForecastBody(now);
    const row = state.series.row(query.store, query.item);
    const unitSales = unitSalesAt(state, row, horizon);
    log?.record(Date.now(), query.store, query.item, horizon, unitSales, row < 0, now.logSlot);
    const text = body.text(query.store, query.item, horizon, unitSales, row < 0);
    res.writeHead(200, ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(body.byteLength(text))]);
    res.end(text);
    // Timed to the finished response, as express requests are: when end() handed everything to the socket, that
    // is now ('finish' follows on the next tick); else when the socket has taken the rest.
    if (res.writableLength === 0) answered((performance.now() - started) / 1000);
    else res.once('finish', () => answered((performance.now() - started) / 1000));
  };
}

/**
 * Whether the request carries a validator (If-None-Match, If-Modified-Since), for which express may answer 304:
 * left to it. Read from the raw headers, which are there anyway, instead of building `req.headers`.
 */
function isConditional(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 13 || name.length === 17) {
      const lower = name.toLowerCase();
      if (lower === 'if-none-match' || lower === 'if-modified-since') return true;
    }
  }
  return false;
}
