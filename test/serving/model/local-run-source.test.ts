/** Which run a local source serves: a run directory, the newest complete run of a runs directory, a symlink's target. */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { LocalRunSource } from '../../../serving/model/local-run-source.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** A directory with only a run manifest's head: enough for choosing a run (loading checks the whole bundle). */
async function fakeRun(parent: string, name: string, runId: string, createdAt: string): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'run.json'), JSON.stringify({ format: 'shelfcast-run', runId, createdAt }));
  return dir;
}

describe('LocalRunSource', () => {
  it('serves the newest complete run of a runs directory, skipping unfinished and foreign entries', async () => {
    const runs = await dirs.make('runs');
    await fakeRun(runs, 'a', 'run-a', '2017-08-16T01:00:00.000Z');
    await fakeRun(runs, 'b', 'run-b', '2017-08-17T01:00:00.000Z');
    await fakeRun(runs, '.c.partial', 'run-c', '2017-08-18T01:00:00.000Z');
    await mkdir(join(runs, 'notes'));
    await writeFile(join(runs, 'README'), 'x');
    const source = new LocalRunSource({ path: runs, modelName: 'favorita-unit-sales' });
    expect(await source.current()).toEqual({ name: 'favorita-unit-sales', version: 'run-b', runId: 'run-b', location: join(runs, 'b') });
    await fakeRun(runs, 'c', 'run-c', '2017-08-18T01:00:00.000Z');
    expect((await source.current()).version).toBe('run-c');
  });

  it('serves one run directory, and follows a symlink to wherever it points now', async () => {
    const runs = await dirs.make('linked');
    const a = await fakeRun(runs, 'a', 'run-a', '2017-08-16T01:00:00.000Z');
    const b = await fakeRun(runs, 'b', 'run-b', '2017-08-15T01:00:00.000Z');
    expect((await new LocalRunSource({ path: a, modelName: 'm' }).current()).location).toBe(a);
    const link = join(await dirs.make('link'), 'champion');
    await symlink(b, link);
    const source = new LocalRunSource({ path: link, modelName: 'm' });
    expect(await source.current()).toMatchObject({ version: 'run-b', location: b });
  });

  it('says what is wrong with a path that holds no run', async () => {
    const empty = await dirs.make('empty');
    await expect(new LocalRunSource({ path: join(empty, 'nope'), modelName: 'm' }).current()).rejects.toThrow(new UsageError(`--run ${join(empty, 'nope')}: no such directory`));
    await expect(new LocalRunSource({ path: empty, modelName: 'm' }).current()).rejects.toThrow(/neither a run directory \(no run\.json\) nor a directory holding complete runs/);
    const bad = join(empty, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'run.json'), '{"format":"other"}');
    await expect(new LocalRunSource({ path: bad, modelName: 'm' }).current()).rejects.toThrow(/run\.json is not a shelfcast run manifest/);
  });
});
