import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import axios, { type AxiosInstance } from 'axios';
import type { MlflowAuth } from '../config.js';
import { TrackingError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { shelfcastVersion } from '../version.js';
import { authorizationHeader } from './auth-header.js';
import { errorFromResponse, errorFromTransport, failureKind } from './call-failure.js';
import { IdleWatchdog } from './idle-watchdog.js';
import { DEFAULT_RETRY_POLICY, RetriesExhausted, withRetries, type RetryPolicy } from './retry-policy.js';

/** Where the tracking server is and how to talk to it. */
export interface MlflowTransportOptions {
  /** e.g. http://127.0.0.1:5000, or a URL with a path prefix behind a reverse proxy. */
  readonly trackingUri: string;
  readonly auth?: MlflowAuth;
  /** Overrides of DEFAULT_RETRY_POLICY. */
  readonly retry?: Partial<RetryPolicy>;
  /** Per attempt of a JSON call, until the answer arrives. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Artifact transfers fail when no byte moves for this long (they have no total limit). Default 120 s. */
  readonly transferIdleTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * Which failures a call may be repeated after. `idempotent`: any transient failure (the call has the same effect
 * however often it lands). `unprocessed-only`: only failures where the server certainly did not act
 * (connection refused, 429, 503), for calls that are not safe to repeat.
 */
export type RetryMode = 'idempotent' | 'unprocessed-only';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** One JSON call of the REST API. */
export interface JsonCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/get`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
}

/** The HTTP layer under the MLflow client: axios, auth, timeouts, typed errors and retries. */
export class MlflowTransport {
  readonly trackingUri: string;
  private readonly http: AxiosInstance;
  private readonly policy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly idleMs: number;
  private readonly logger: Logger;

  constructor(options: MlflowTransportOptions) {
    this.trackingUri = options.trackingUri.replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.idleMs = options.transferIdleTimeoutMs ?? 120_000;
    this.logger = options.logger ?? silentLogger;
    const auth = authorizationHeader(options.auth);
    this.http = axios.create({
      baseURL: this.trackingUri,
      headers: { 'User-Agent': `shelfcast/${shelfcastVersion()}`, ...(auth ? { Authorization: auth } : {}) },
      // No redirects: axios' redirect follower keeps every uploaded byte in memory to be able to replay the body.
      maxRedirects: 0,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      // MLflow reads repeated query fields as `order_by=a&order_by=b`.
      paramsSerializer: { indexes: null },
      validateStatus: () => true,
    });
  }

  /** `METHOD /path`, as error messages name a call. */
  endpoint(method: string, path: string): string {
    return `${method} ${path}`;
  }

  /** A JSON call, retried as `mode` allows. */
  json<T>(call: JsonCall, mode: RetryMode): Promise<T> {
    return this.retrying(this.endpoint(call.method, call.path), mode, () => this.jsonOnce<T>(call));
  }

  /** One attempt of a JSON call; failures come out as typed TrackingErrors. */
  async jsonOnce<T>(call: JsonCall): Promise<T> {
    const endpoint = this.endpoint(call.method, call.path);
    const started = Date.now();
    let res;
    try {
      res = await this.http.request({
        method: call.method,
        url: call.path,
        params: call.query,
        data: call.body,
        timeout: this.requestTimeoutMs,
        responseType: 'json',
      });
    } catch (err) {
      throw errorFromTransport(endpoint, this.trackingUri, err);
    }
    this.logger.debug({ endpoint, status: res.status, ms: Date.now() - started }, 'mlflow call');
    if (res.status >= 400) throw errorFromResponse(endpoint, res.status, res.data);
    if (res.data === '' || res.data === undefined) return {} as T;
    if (typeof res.data !== 'object') {
      throw new TrackingError(`expected JSON from the tracking server, got: ${String(res.data).slice(0, 200)}`, { endpoint, status: res.status });
    }
    return res.data as T;
  }

  /** Runs `op` with the retry policy; `op` throws TrackingErrors (from jsonOnce and friends). */
  async retrying<T>(endpoint: string, mode: RetryMode, op: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await withRetries(op, this.policy, {
        shouldRetry: (err) => {
          const kind = failureKind(err);
          return kind === 'unprocessed' || (kind === 'uncertain' && mode === 'idempotent');
        },
        onRetry: (err, retry, delayMs) =>
          this.logger.warn({ endpoint, retry, delayMs, reason: err instanceof Error ? err.message : String(err) }, 'retrying MLflow call'),
      });
    } catch (err) {
      if (!(err instanceof RetriesExhausted)) throw err;
      const last = err.lastError;
      if (last instanceof Error) last.message = `${last.message} (${err.message})`;
      throw last;
    }
  }

  /** Streams a local file to `path` with PUT, from disk each attempt; the whole file is never held in memory. */
  upload(path: string, localFile: string): Promise<void> {
    const endpoint = this.endpoint('PUT', decodeURI(path));
    return this.retrying(endpoint, 'idempotent', async () => {
      const { size } = await stat(localFile);
      const controller = new AbortController();
      const watchdog = new IdleWatchdog(this.idleMs, (e) => controller.abort(e));
      const source = createReadStream(localFile).on('error', (e) => watchdog.destroy(e));
      const body = source.pipe(watchdog);
      try {
        const res = await this.http.request({
          method: 'PUT',
          url: path,
          data: body,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
          signal: controller.signal,
          timeout: 0,
          responseType: 'json',
        });
        if (res.status >= 400) throw errorFromResponse(endpoint, res.status, res.data);
      } catch (err) {
        if (err instanceof TrackingError) throw err;
        throw errorFromTransport(endpoint, this.trackingUri, watchdog.timedOut ? controller.signal.reason : err);
      } finally {
        watchdog.stop();
        source.destroy();
      }
    });
  }

  /** Streams `path` into a local file: written under a temporary name and renamed when complete. */
  download(path: string, localFile: string): Promise<void> {
    const endpoint = this.endpoint('GET', decodeURI(path));
    return this.retrying(endpoint, 'idempotent', async () => {
      await mkdir(dirname(localFile), { recursive: true });
      const temp = `${localFile}.part-${randomBytes(4).toString('hex')}`;
      const controller = new AbortController();
      const watchdog = new IdleWatchdog(this.idleMs, (e) => controller.abort(e));
      try {
        let res;
        try {
          res = await this.http.request<Readable>({ method: 'GET', url: path, responseType: 'stream', signal: controller.signal, timeout: 0 });
        } catch (err) {
          throw errorFromTransport(endpoint, this.trackingUri, watchdog.timedOut ? controller.signal.reason : err);
        }
        if (res.status >= 400) throw errorFromResponse(endpoint, res.status, await readSmall(res.data));
        try {
          await pipeline(res.data, watchdog, createWriteStream(temp));
        } catch (err) {
          throw errorFromTransport(endpoint, this.trackingUri, err);
        }
        await rename(temp, localFile);
      } finally {
        watchdog.stop();
        await rm(temp, { force: true });
      }
    });
  }
}

/** The first 64 KiB of an (error) body as text. */
async function readSmall(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size < 65_536) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
