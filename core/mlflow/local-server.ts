import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { join, resolve } from 'node:path';
import { ConfigError, TrackingUnavailableError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { freeLoopbackPort } from '../loopback-port.js';
import { venvBin } from '../python-env.js';
import { groupMembers, signalGroup, stopGroup } from './process-group.js';

/** S3 settings handed to the server process only (never set in this process). */
export interface LocalServerS3Settings {
  /** An S3-compatible endpoint (MLFLOW_S3_ENDPOINT_URL), e.g. a test server on loopback. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
}

export interface LocalMlflowServerOptions {
  /** Holds the sqlite store (`mlflow.db`), local artifacts (`artifacts/`) and the server's log (`mlflow-server.log`). */
  readonly dataDir: string;
  /** An address in 127.0.0.0/8; default 127.0.0.1. */
  readonly host?: string;
  /** Default: a free port. */
  readonly port?: number;
  /** Where the artifact proxy stores files: a directory (default `<dataDir>/artifacts`) or `s3://bucket/prefix`. */
  readonly artifactsDestination?: string;
  readonly s3?: LocalServerS3Settings;
  /** uvicorn workers; default 1 (the embedded server is for one user). */
  readonly workers?: number;
  /** How long start-up may take before it counts as failed; default 180 s. */
  readonly startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping; default 10 s. */
  readonly stopGraceMs?: number;
  /** Keep the server running after this process exits (the embedded default records it in a state file). */
  readonly detached?: boolean;
  /** The environment the server inherits and the venv is found from; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

/** What identifies a running local server: enough to reach, check and stop it from another process. */
export interface LocalMlflowServerState {
  /** The server's process id, which is also its process group id. */
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly trackingUri: string;
  readonly dataDir: string;
  readonly artifactsDestination: string;
  readonly logFile: string;
  readonly startedAt: string;
}

const LOG_NAME = 'mlflow-server.log';

/**
 * `mlflow server` from the project's Python environment on loopback: sqlite backend store, artifacts served
 * through the server's proxy (`--serve-artifacts`), running in its own process group so stop() ends its workers.
 */
export class LocalMlflowServer {
  private onExit: (() => void) | undefined;

  private constructor(
    readonly state: LocalMlflowServerState,
    private readonly stopGraceMs: number,
    private readonly logger: Logger,
    ownsProcess: boolean,
  ) {
    if (ownsProcess) {
      // A server not meant to outlive this process goes with it, even when stop() is never reached.
      this.onExit = () => signalGroup(state.pid, 'SIGKILL');
      process.once('exit', this.onExit);
    }
  }

  /** Starts a server and waits until `/health` answers; on failure the error carries the end of its log. */
  static async start(options: LocalMlflowServerOptions): Promise<LocalMlflowServer> {
    const logger = options.logger ?? silentLogger;
    const host = options.host ?? '127.0.0.1';
    if (!isIPv4(host) || !host.startsWith('127.')) throw new ConfigError(`local MLflow server host ${JSON.stringify(host)}: expected a loopback address in 127.0.0.0/8`);
    const dataDir = resolve(options.dataDir);
    const artifactsDestination = options.artifactsDestination ?? join(dataDir, 'artifacts');
    const port = options.port ?? (await freeLoopbackPort(host));
    const logFile = join(dataDir, LOG_NAME);
    await mkdir(dataDir, { recursive: true });
    if (!artifactsDestination.startsWith('s3://')) await mkdir(artifactsDestination, { recursive: true });

    const env = options.env ?? process.env;
    const args = [
      'server',
      '--backend-store-uri', `sqlite:///${join(dataDir, 'mlflow.db')}`,
      '--serve-artifacts',
      '--artifacts-destination', artifactsDestination,
      '--host', host,
      '--port', String(port),
      '--workers', String(options.workers ?? 1),
    ];
    const bin = venvBin('mlflow', env);
    const logFd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(bin, args, { detached: true, stdio: ['ignore', logFd, logFd], env: serverEnv(env, options.s3) });
    } finally {
      closeSync(logFd);
    }
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    const pid = child.pid;
    if (pid === undefined) {
      await new Promise((r) => setImmediate(r));
      throw new TrackingUnavailableError(`could not start ${bin}: ${spawnError?.message ?? 'no process id'}`, {}, { cause: spawnError });
    }
    const trackingUri = `http://${host}:${port}`;
    const state: LocalMlflowServerState = { pid, host, port, trackingUri, dataDir, artifactsDestination, logFile, startedAt: new Date().toISOString() };
    const server = new LocalMlflowServer(state, options.stopGraceMs ?? 10_000, logger, !options.detached);
    if (options.detached) child.unref();
    logger.info({ pid, trackingUri, artifactsDestination }, 'starting mlflow server');

    try {
      await server.waitUntilUp(child, options.startTimeoutMs ?? 180_000, () => spawnError);
    } catch (err) {
      await server.stop();
      throw err;
    }
    logger.info({ pid, trackingUri }, 'mlflow server is up');
    return server;
  }

  /** A handle on a server recorded by another process, when it still runs and answers; else undefined. */
  static async attach(state: LocalMlflowServerState, options: { stopGraceMs?: number; logger?: Logger } = {}): Promise<LocalMlflowServer | undefined> {
    const server = new LocalMlflowServer(state, options.stopGraceMs ?? 10_000, options.logger ?? silentLogger, false);
    return server.isRunning() && (await server.isHealthy()) ? server : undefined;
  }

  get trackingUri(): string {
    return this.state.trackingUri;
  }

  get port(): number {
    return this.state.port;
  }

  /** True while any process of the server's group is alive. */
  isRunning(): boolean {
    return groupMembers(this.state.pid).length > 0;
  }

  /** True when `/health` answers OK within 2 s. */
  async isHealthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.state.trackingUri}/health`, { signal: AbortSignal.timeout(2000) });
      return res.ok && (await res.text()).trim() === 'OK';
    } catch {
      return false;
    }
  }

  /** The last lines the server wrote. */
  logTail(): Promise<string> {
    return logTail(this.state.logFile);
  }

  /** Polls `/health` until it answers; throws when the process fails, exits or the time is up. */
  private async waitUntilUp(child: ChildProcess, timeoutMs: number, spawnError: () => Error | undefined): Promise<void> {
    const { trackingUri, logFile } = this.state;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const failed = spawnError();
      if (failed) throw new TrackingUnavailableError(`could not start mlflow server: ${failed.message}`, {}, { cause: failed });
      if (child.exitCode !== null || child.signalCode !== null) {
        const how = child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
        throw new TrackingUnavailableError(`mlflow server on ${trackingUri} exited with ${how} before it answered /health; the end of ${logFile}:\n${await logTail(logFile)}`);
      }
      if (await this.isHealthy()) return;
      if (Date.now() >= deadline) {
        throw new TrackingUnavailableError(`mlflow server on ${trackingUri} did not answer /health within ${timeoutMs} ms; the end of ${logFile}:\n${await logTail(logFile)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Stops the server and its workers: SIGTERM to the process group, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    await stopGroup(this.state.pid, this.stopGraceMs);
    if (this.onExit) process.removeListener('exit', this.onExit);
    this.onExit = undefined;
    this.logger.info({ pid: this.state.pid }, 'mlflow server stopped');
  }
}

function serverEnv(base: NodeJS.ProcessEnv, s3: LocalServerS3Settings | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONUNBUFFERED: '1' };
  // The job runner serves MLflow's GenAI features; off, it spares a handful of worker processes.
  env.MLFLOW_SERVER_ENABLE_JOB_EXECUTION ??= 'false';
  if (s3?.endpoint) env.MLFLOW_S3_ENDPOINT_URL = s3.endpoint;
  if (s3?.region) env.AWS_DEFAULT_REGION = s3.region;
  if (s3?.accessKeyId !== undefined || s3?.secretAccessKey !== undefined) {
    env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
  }
  return env;
}

/** The last ~40 lines of a log file. */
async function logTail(file: string, bytes = 6000): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - bytes);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8').split('\n').slice(start > 0 ? 1 : 0).slice(-40).join('\n').trim();
    } finally {
      await handle.close();
    }
  } catch {
    return '(no log)';
  }
}
