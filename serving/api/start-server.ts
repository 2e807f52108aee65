import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { Lake } from '../../core/storage/lake.js';
import type { LakeConfig } from '../../core/storage/open-lake.js';
import type { PredictionStore } from '../../monitoring/prediction-store.js';
import type { ModelSource } from '../model/model-source.js';
import { PredictionLog, type PredictionLogOptions } from '../prediction-log/prediction-log.js';
import { ForecastStateHolder } from '../state/forecast-state-holder.js';
import type { SnapshotScorer } from '../state/snapshot-scorer.js';
import { ApiMetrics } from './api-metrics.js';
import { createApp } from './create-app.js';
import { forecastFastPath } from './forecast-fast-path.js';

export interface ServeOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** How often the model source and the lake are polled for a new version or origin; 0 turns polling off. */
  readonly pollIntervalMs?: number;
  readonly maxBatch?: number;
  /** How long a shutdown waits for requests in flight before closing their connections. */
  readonly shutdownTimeoutMs?: number;
  readonly predictionLog?: PredictionLogOptions;
}

export interface ServeDeps {
  readonly source: ModelSource;
  readonly lake: Lake;
  readonly lakeConfig: LakeConfig;
  readonly cacheDir: string;
  /** Where served forecasts are logged; none, no prediction log. */
  readonly predictionStore?: PredictionStore;
  readonly scorer?: SnapshotScorer;
  readonly logger?: Logger;
  readonly adminToken?: string;
  /** Adds Node's process metrics (CPU, memory, event loop lag) to /metrics. */
  readonly processMetrics?: boolean;
}

/** A listening forecast server. */
export interface RunningServer {
  readonly url: string;
  readonly holder: ForecastStateHolder;
  readonly metrics: ApiMetrics;
  /** Settles when the first state is loaded (or failed to load). */
  readonly ready: Promise<void>;
  /**
   * Graceful shutdown: /readyz turns 503, no new connections are accepted, requests in flight finish, the
   * prediction log is written out and its store closed. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts the forecast API: listens at once (so /healthz answers while the model loads), loads the first state,
 * then polls for new versions when asked to.
 */
export async function startServer(options: ServeOptions, deps: ServeDeps): Promise<RunningServer> {
  const logger = deps.logger ?? silentLogger;
  const metrics = new ApiMetrics({ processMetrics: deps.processMetrics });
  const store = deps.predictionStore;
  let predictionLog: PredictionLog | undefined;
  if (store) predictionLog = new PredictionLog(store, options.predictionLog, { logger, metrics: metrics.predictionLog(() => predictionLog?.queued ?? 0) });
  const holder = new ForecastStateHolder({
    source: deps.source,
    lake: deps.lake,
    lakeConfig: deps.lakeConfig,
    cacheDir: deps.cacheDir,
    scorer: deps.scorer,
    logger,
    onSwap: (state) => metrics.modelLoaded(state),
    onOutcome: (outcome) => metrics.reload(outcome),
  });
  let stopping = false;
  const app = createApp({ holder, metrics, predictionLog, logger, adminToken: deps.adminToken, maxBatch: options.maxBatch, isStopping: () => stopping });
  const answer = forecastFastPath({ holder, metrics, predictionLog }, app);
  const inFlight = new Set<ServerResponse>();
  // One listener shared by every response, rather than a closure per request.
  function settled(this: ServerResponse): void {
    inFlight.delete(this);
  }
  // Once stopping, every response closes its connection, so that keep-alive clients reconnect elsewhere instead
  // of holding the server open.
  const server = createServer((req, res) => {
    if (stopping) {
      res.setHeader('Connection', 'close');
    } else {
      inFlight.add(res);
      res.on('close', settled);
    }
    answer(req, res);
  });
  await listen(server, options.port, options.host);
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  logger.info({ url, source: deps.source.description, lake: deps.lake.location, predictionLog: store?.description ?? 'off' }, 'serve: listening');

  const ready = holder.reload().then(() => {
    if (options.pollIntervalMs) holder.startPolling(options.pollIntervalMs);
  });
  ready.catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopping = true;
      logger.info({ inFlight: inFlight.size }, 'serve: stopping');
      for (const res of inFlight) {
        if (!res.headersSent) res.setHeader('Connection', 'close');
        // A response that already promised keep-alive leaves an idle connection behind: close it then.
        res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
      }
      await holder.close();
      await stopListening(server, options.shutdownTimeoutMs ?? 10_000);
      await predictionLog?.close();
      if (!predictionLog) await store?.close();
      logger.info('serve: stopped');
    })();
    return closing;
  };
  return { url, holder, metrics, ready, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting, lets responses in flight finish (their connections close after them), then force-closes stragglers. */
function stopListening(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
