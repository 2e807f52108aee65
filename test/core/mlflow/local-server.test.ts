import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, TrackingUnavailableError } from '../../../core/errors.js';
import { ensureLocalMlflowServer, readServerState } from '../../../core/mlflow/local-server-state.js';
import { LocalMlflowServer } from '../../../core/mlflow/local-server.js';
import { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { groupMembers } from '../../../core/mlflow/process-group.js';

let scratch: string;
const started: LocalMlflowServer[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shelfcast-local-server-'));
});

afterAll(async () => {
  for (const server of started) await server.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** Live processes whose command line mentions `text` (read from /proc, independently of the launcher). */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('LocalMlflowServer', () => {
  it('refuses to bind outside loopback', async () => {
    for (const host of ['0.0.0.0', '10.1.2.3', 'localhost', '::1']) {
      await expect(LocalMlflowServer.start({ dataDir: join(scratch, 'never'), host })).rejects.toThrow(ConfigError);
    }
    expect(existsSync(join(scratch, 'never'))).toBe(false);
  });

  it('starts the embedded server once, records it, reuses it, and stops its whole process group', async () => {
    const dataDir = join(scratch, 'embedded');
    const stateFile = join(scratch, 'state', 'mlflow-server.json');
    const first = await ensureLocalMlflowServer({ dataDir, stateFile });
    started.push(first.server);
    expect(first.reused).toBe(false);
    const { pid, port, trackingUri } = first.server.state;
    expect(trackingUri).toBe(`http://127.0.0.1:${port}`);
    expect(await readServerState(stateFile)).toEqual(first.server.state);
    // mlflow's CLI process leads the group; uvicorn runs as its child.
    expect(groupMembers(pid).length).toBeGreaterThanOrEqual(2);

    const client = MlflowClient.create({ trackingUri });
    const exp = await client.experiments.getOrCreate('embedded');
    expect(existsSync(join(dataDir, 'mlflow.db'))).toBe(true);
    expect(exp.artifactLocation).toBe(`mlflow-artifacts:/${exp.experimentId}`);

    const second = await ensureLocalMlflowServer({ dataDir, stateFile });
    expect(second.reused).toBe(true);
    expect(second.server.state.pid).toBe(pid);
    expect((await MlflowClient.create({ trackingUri: second.server.trackingUri }).experiments.getByName('embedded')).experimentId).toBe(exp.experimentId);

    await second.server.stop();
    expect(groupMembers(pid)).toEqual([]);
    expect(await fetch(`${trackingUri}/health`).then(() => 'answered', () => 'refused')).toBe('refused');
    expect(await LocalMlflowServer.attach(first.server.state)).toBeUndefined();
    expect(await readFile(join(dataDir, 'mlflow-server.log'), 'utf8')).toMatch(/Uvicorn running on http:\/\/127\.0\.0\.1:\d+/);
  });

  it('reports a server that dies during start-up with the end of its log', async () => {
    // A Python that cannot find its standard library dies at once, the way a broken environment does.
    const dataDir = join(scratch, 'broken');
    const err = await LocalMlflowServer.start({ dataDir, env: { ...process.env, PYTHONHOME: join(scratch, 'no-python-here') } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingUnavailableError);
    expect((err as Error).message).toMatch(/^mlflow server on http:\/\/127\.0\.0\.1:\d+ exited with code 1 before it answered \/health; the end of .*mlflow-server\.log:\n/);
    expect((err as Error).message).toMatch(/Fatal Python error/);
    expect(processesMentioning(dataDir)).toEqual([]);
  });

  it('stops a server that does not come up in time, workers included', async () => {
    const err = await LocalMlflowServer.start({ dataDir: join(scratch, 'slow'), startTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingUnavailableError);
    expect((err as Error).message).toMatch(/did not answer \/health within 1500 ms; the end of /);
    expect(processesMentioning(join(scratch, 'slow'))).toEqual([]);
  });
});
