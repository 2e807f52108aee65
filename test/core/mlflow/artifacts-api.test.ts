import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingInvalidRequestError, TrackingNotFoundError } from '../../../core/errors.js';
import { runArtifactPath } from '../../../core/mlflow/artifact-path.js';
import type { MlflowClient } from '../../../core/mlflow/mlflow-client.js';
import { startTestMlflow, uniqueName, type TestMlflow } from '../../support/mlflow-server.js';

let mlflow: TestMlflow;
let client: MlflowClient;
let scratch: string;
let root: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shelfcast-artifacts-'));
  mlflow = await startTestMlflow();
  client = mlflow.client;
  const exp = await client.experiments.getOrCreate(uniqueName('artifacts'));
  const run = await client.runs.create({ experimentId: exp.experimentId });
  root = runArtifactPath(run.info);
});

afterAll(async () => {
  await mlflow?.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes `mib` MiB of random bytes a MiB at a time. */
async function randomFile(path: string, mib: number): Promise<void> {
  await writeFile(path, '');
  for (let i = 0; i < mib; i++) await writeFile(path, randomBytes(1024 * 1024), { flag: 'a' });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe('artifacts through the proxy', () => {
  it('resolves a run artifact URI to its proxy path', () => {
    expect(runArtifactPath('mlflow-artifacts:/3/abc/artifacts', 'model/model.onnx')).toBe('3/abc/artifacts/model/model.onnx');
    expect(runArtifactPath('mlflow-artifacts://127.0.0.1:5000/3/abc/artifacts/')).toBe('3/abc/artifacts');
    expect(() => runArtifactPath('s3://bucket/3/abc/artifacts')).toThrow(TrackingInvalidRequestError);
  });

  it('streams both ways: memory never holds the whole file', async () => {
    const mib = 96;
    const src = join(scratch, 'huge.bin');
    await randomFile(src, mib);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 2);
    try {
      await client.artifacts.upload(src, `${root}/huge.bin`);
      const uploadPeak = peak;
      peak = 0;
      await client.artifacts.download(`${root}/huge.bin`, join(scratch, 'huge-back.bin'));
      // A buffered transfer holds all 96 MiB at once; a streamed one only chunks not yet collected.
      expect(uploadPeak / 2 ** 20).toBeLessThan(mib * 0.75);
      expect(peak / 2 ** 20).toBeLessThan(mib * 0.75);
    } finally {
      clearInterval(sampler);
    }
    expect(await sha256(join(scratch, 'huge-back.bin'))).toBe(await sha256(src));
    await rm(join(scratch, 'huge-back.bin'));
    await rm(src);
  });

  it('round-trips a multi-megabyte file byte for byte, and lists it with its size', async () => {
    const src = join(scratch, 'big.bin');
    await randomFile(src, 24);
    await client.artifacts.upload(src, `${root}/big/big.bin`);
    const dest = join(scratch, 'out', 'big.bin');
    await client.artifacts.download(`${root}/big/big.bin`, dest);
    expect(await sha256(dest)).toBe(await sha256(src));
    expect(await client.artifacts.list(`${root}/big`)).toEqual([{ path: `${root}/big/big.bin`, isDir: false, size: 24 * 1024 * 1024 }]);
    expect((await readdir(join(scratch, 'out'))).filter((n) => n.includes('.part-'))).toEqual([]);
  });

  it('uploads a nested directory recursively and downloads it back identical', async () => {
    const src = join(scratch, 'bundle');
    const files: Record<string, string | Buffer> = {
      'model.onnx': randomBytes(300_000),
      'MLmodel': 'flavors: {}\n',
      'lightgbm/h00.txt': 'tree\n',
      'lightgbm/h15.txt': 'tree 15\n',
      'reports/backtest/2017 07 26.json': '{"nwrmsle": 0.51}',
      'reports/drift/ünïcode.csv': 'a,b\n1,2\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(src, path, '..'), { recursive: true });
      await writeFile(join(src, path), content);
    }
    await mkdir(join(src, 'empty'), { recursive: true });

    const up = await client.artifacts.uploadDirectory(src, `${root}/model`);
    expect(up.files).toBe(6);
    const top = await client.artifacts.list(`${root}/model`);
    expect(top.map((e) => [e.path.slice(root.length + 1), e.isDir])).toEqual([
      ['model/MLmodel', false],
      ['model/lightgbm', true],
      ['model/model.onnx', false],
      ['model/reports', true],
    ]);
    expect(await client.artifacts.list(`${root}/model/reports/backtest`)).toEqual([
      { path: `${root}/model/reports/backtest/2017 07 26.json`, isDir: false, size: 17 },
    ]);

    const dest = join(scratch, 'bundle-back');
    const down = await client.artifacts.downloadDirectory(`${root}/model`, dest);
    expect(down).toEqual(up);
    expect(await listFiles(dest)).toEqual(Object.keys(files).sort());
    for (const path of Object.keys(files)) expect(await readFile(join(dest, path))).toEqual(await readFile(join(src, path)));
  });

  it('lists a missing directory as empty and reports a missing file as TrackingNotFoundError', async () => {
    expect(await client.artifacts.list(`${root}/nothing-here`)).toEqual([]);
    const err = await client.artifacts.download(`${root}/missing.bin`, join(scratch, 'missing.bin')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackingNotFoundError);
    expect((err as Error).message).toBe(
      `GET /api/2.0/mlflow-artifacts/artifacts/${root}/missing.bin: RESOURCE_DOES_NOT_EXIST (HTTP 404): No such artifact: '${root}/missing.bin'`,
    );
    expect(await readdir(scratch)).not.toContain('missing.bin');
  });

  it('refuses paths that climb out of the artifact root before sending', async () => {
    const file = join(scratch, 'small.txt');
    await writeFile(file, 'x');
    for (const bad of ['../escape.txt', `${root}/../../x`, `${root}//x`, '/abs', `${root}/./x`]) {
      await expect(client.artifacts.upload(file, bad)).rejects.toThrow(/artifact path .* \(not sent\)/);
    }
    const stored = await listFiles(join(mlflow.dataDir, 'artifacts'));
    expect(stored.filter((p) => /escape\.txt$|(^|\/)x$|abs$/.test(p))).toEqual([]);
  });
});
