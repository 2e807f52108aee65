import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PredictionBatch } from '../../monitoring/prediction-store.js';
import type { PredictionLogMetrics } from '../prediction-log/prediction-log.js';
import type { ForecastState } from '../state/forecast-state.js';

/** Route label of requests that matched no route (keeps the label set bounded). */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * The API's Prometheus metrics in a registry of its own: requests and latency by route and status, the
 * forecast distribution, the loaded model version, reloads and the prediction log.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route' | 'status'>;
  readonly #unitSales: Histogram;
  readonly #forecasts: Counter<'cold_start'>;
  readonly #modelInfo: Gauge<'model' | 'version' | 'run_id' | 'origin'>;
  readonly #modelSeries: Gauge;
  readonly #modelLoaded: Gauge;
  readonly #reloads: Counter<'outcome'>;
  readonly #logWritten: Counter;
  readonly #logDropped: Counter<'reason'>;
  readonly #logQueue: Gauge;
  #queueDepth: () => number = () => 0;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.#requests = new Counter({ name: 'shelfcast_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers });
    this.#latency = new Histogram({
      name: 'shelfcast_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.#unitSales = new Histogram({
      name: 'shelfcast_forecast_unit_sales',
      help: 'Served forecasts of unit sales (counted as the prediction log takes them, within a second)',
      buckets: [0, 0.5, 1, 2, 5, 10, 20, 50, 100, 250, 1000],
      registers,
    });
    this.#forecasts = new Counter({ name: 'shelfcast_forecasts_total', help: 'Served forecasts, by whether the pair was a cold start', labelNames: ['cold_start'], registers });
    this.#modelInfo = new Gauge({ name: 'shelfcast_model_info', help: 'The model version and origin being served (value 1)', labelNames: ['model', 'version', 'run_id', 'origin'], registers });
    this.#modelSeries = new Gauge({ name: 'shelfcast_model_series', help: 'Store×item series with a forecast in the loaded snapshot', registers });
    this.#modelLoaded = new Gauge({ name: 'shelfcast_model_loaded_timestamp_seconds', help: 'When the served state was loaded (Unix time)', registers });
    this.#reloads = new Counter({ name: 'shelfcast_model_reloads_total', help: 'Reload attempts, by outcome (changed, unchanged, failed)', labelNames: ['outcome'], registers });
    this.#logWritten = new Counter({ name: 'shelfcast_prediction_log_written_total', help: 'Predictions written to the monitoring store', registers });
    this.#logDropped = new Counter({
      name: 'shelfcast_prediction_log_dropped_total',
      help: 'Predictions not logged: the queue was full (oldest dropped) or a write failed',
      labelNames: ['reason'],
      registers,
    });
    const depth = (): number => this.#queueDepth();
    this.#logQueue = new Gauge({
      name: 'shelfcast_prediction_log_queue_depth',
      help: 'Predictions waiting to be written to the monitoring store',
      registers,
      collect() {
        this.set(depth());
      },
    });
    for (const outcome of ['changed', 'unchanged', 'failed']) this.#reloads.inc({ outcome }, 0);
    for (const reason of ['queue_full', 'write_failed']) this.#logDropped.inc({ reason }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'shelfcast_' });
  }

  /** Counts and times every request once its response is finished; the route label is the matched route's path. */
  requests(): RequestHandler {
    return (req, res, next) => {
      const started = performance.now();
      res.once('finish', () => {
        const labels = { method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? UNMATCHED_ROUTE, status: String(res.statusCode) };
        this.#requests.inc(labels);
        this.#latency.observe(labels, (performance.now() - started) / 1000);
      });
      next();
    };
  }

  /** Counts and times requests answered outside express, all of one method, route and status. */
  requestRecorder(method: string, route: string, status: number): (seconds: number) => void {
    const labels = { method, route, status: String(status) };
    const requests = this.#requests.labels(labels);
    const latency = this.#latency.labels(labels);
    return (seconds) => {
      requests.inc();
      latency.observe(seconds);
    };
  }

  /** Records the state now served. */
  modelLoaded(state: ForecastState): void {
    this.#modelInfo.reset();
    this.#modelInfo.set({ model: state.model.name, version: state.model.version, run_id: state.model.runId, origin: state.origin }, 1);
    this.#modelSeries.set(state.series.rows);
    this.#modelLoaded.set(Date.parse(state.loadedAt) / 1000);
  }

  reload(outcome: 'changed' | 'unchanged' | 'failed'): void {
    this.#reloads.inc({ outcome });
  }

  /** What the prediction log reports; the forecast distribution is observed here, off the response path. */
  predictionLog(queueDepth: () => number): PredictionLogMetrics {
    this.#queueDepth = queueDepth;
    return {
      taken: (batch: PredictionBatch) => {
        let cold = 0;
        for (let i = 0; i < batch.rows; i++) {
          this.#unitSales.observe(batch.unitSales[i]);
          cold += batch.coldStart[i];
        }
        this.#forecasts.inc({ cold_start: 'true' }, cold);
        this.#forecasts.inc({ cold_start: 'false' }, batch.rows - cold);
      },
      written: (rows) => this.#logWritten.inc(rows),
      dropped: (rows, reason) => this.#logDropped.inc({ reason }, rows),
    };
  }
}
