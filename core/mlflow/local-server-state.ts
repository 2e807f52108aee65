import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { TrackingUnavailableError } from '../errors.js';
import { processAlive } from './process-group.js';
import { LocalMlflowServer, type LocalMlflowServerOptions, type LocalMlflowServerState } from './local-server.js';

export interface EnsureLocalMlflowServerOptions extends Omit<LocalMlflowServerOptions, 'detached'> {
  /** JSON file recording the running server (LocalMlflowServerState). */
  readonly stateFile: string;
}

/**
 * The embedded tracking server: the one recorded in `stateFile` when it still runs with the same data directory and
 * artifact destination, else a new detached one (stopping a recorded server that no longer fits), recorded for the
 * next caller. A lock file next to the state file keeps two processes from starting two servers at once.
 */
export async function ensureLocalMlflowServer(options: EnsureLocalMlflowServerOptions): Promise<{ server: LocalMlflowServer; reused: boolean }> {
  const release = await lock(`${options.stateFile}.lock`, options.startTimeoutMs ?? 180_000);
  try {
    const recorded = await readServerState(options.stateFile);
    if (recorded) {
      const running = await LocalMlflowServer.attach(recorded, { stopGraceMs: options.stopGraceMs, logger: options.logger });
      const dataDir = resolve(options.dataDir);
      const destination = options.artifactsDestination ?? join(dataDir, 'artifacts');
      if (running && recorded.dataDir === dataDir && recorded.artifactsDestination === destination) return { server: running, reused: true };
      if (running) await running.stop();
    }
    const server = await LocalMlflowServer.start({ ...options, detached: true });
    await writeServerState(options.stateFile, server.state);
    return { server, reused: false };
  } finally {
    await release();
  }
}

/** The state a file records, or undefined when there is no file or it does not hold a server state. */
export async function readServerState(file: string): Promise<LocalMlflowServerState | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const s = value as Partial<LocalMlflowServerState> | null;
  const ok = s && Number.isInteger(s.pid) && Number.isInteger(s.port) && typeof s.trackingUri === 'string' && typeof s.dataDir === 'string';
  return ok ? (s as LocalMlflowServerState) : undefined;
}

/** Records a server's state (written under a temporary name, then renamed). */
export async function writeServerState(file: string, state: LocalMlflowServerState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, file);
}

/** Takes an exclusive lock file holding this process id; a lock left by a dead process is taken over. */
async function lock(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(await readFile(path, 'utf8').catch(() => ''));
    // An empty lock is one being written right now; only a lock whose process is gone is stale.
    if (holder && !processAlive(holder)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new TrackingUnavailableError(`${path} is held by process ${holder || '(starting)'}: another shelfcast process is starting the MLflow server`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
