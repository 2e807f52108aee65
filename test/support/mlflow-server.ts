import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient, type MlflowClientOptions } from '../../core/mlflow/mlflow-client.js';
import { LocalMlflowServer, type LocalMlflowServerOptions } from '../../core/mlflow/local-server.js';
import type { RetryPolicy } from '../../core/mlflow/retry-policy.js';

/** Short waits, so that tests that provoke retries stay quick. */
export const FAST_RETRY: Partial<RetryPolicy> = { initialDelayMs: 50, maxDelayMs: 400, maxAttempts: 6, maxElapsedMs: 10_000 };

/** A real `mlflow server` on loopback with its own data directory, and a client of it. */
export interface TestMlflow {
  /** The server running now (restart() replaces it). */
  readonly server: LocalMlflowServer;
  readonly client: MlflowClient;
  readonly dataDir: string;
  /** A client with other options (retry policy, timeouts, logger) for the same address. */
  clientWith(options: Partial<MlflowClientOptions>): MlflowClient;
  /** Stops the server and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/** Starts one server for a test file (call in beforeAll; start-up takes 10–40 s on a busy machine). */
export async function startTestMlflow(options: Partial<LocalMlflowServerOptions> = {}): Promise<TestMlflow> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'shelfcast-mlflow-')));
  // Below vitest's hook timeout, so that a start-up that takes too long stops its own server.
  let server = await LocalMlflowServer.start({ startTimeoutMs: 110_000, ...options, dataDir });
  const trackingUri = server.trackingUri;
  const clientWith = (o: Partial<MlflowClientOptions>): MlflowClient => MlflowClient.create({ retry: FAST_RETRY, ...o, trackingUri });
  return {
    get server() {
      return server;
    },
    client: clientWith({}),
    dataDir,
    clientWith,
    async restart() {
      await server.stop();
      server = await LocalMlflowServer.start({ ...options, dataDir, port: server.port });
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A name no other test uses, for experiments and models on a shared server. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
