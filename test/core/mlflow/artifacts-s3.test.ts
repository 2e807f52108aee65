import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArtifactPath } from '../../../core/mlflow/artifact-path.js';
import type { Run } from '../../../core/mlflow/entities.js';
import { startMotoServer, type MotoServer } from '../../support/moto-server.js';
import { startTestMlflow, type TestMlflow } from '../../support/mlflow-server.js';

const BUCKET = 'shelfcast-mlflow';
const PREFIX = 'tracking/artifacts';

let moto: MotoServer;
let mlflow: TestMlflow;
let scratch: string;
let run: Run;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'shelfcast-s3-artifacts-'));
  moto = await startMotoServer();
  await moto.createBucket(BUCKET);
  // The AWS credentials go to the server process only; this process never sets them.
  mlflow = await startTestMlflow({
    artifactsDestination: `s3://${BUCKET}/${PREFIX}`,
    s3: { endpoint: moto.endpoint, region: 'us-east-1', accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const exp = await mlflow.client.experiments.getOrCreate('s3-artifacts');
  run = await mlflow.client.runs.create({ experimentId: exp.experimentId });
});

afterAll(async () => {
  await mlflow?.stop();
  await moto?.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function objectBytes(key: string): Promise<Buffer> {
  const res = await moto.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('artifacts in S3 behind the proxy', () => {
  it('stores an uploaded file as an object under the destination prefix and serves it back', async () => {
    const content = randomBytes(5 * 1024 * 1024 + 123);
    const src = join(scratch, 'model.onnx');
    await writeFile(src, content);
    const path = runArtifactPath(run.info, 'model/model.onnx');
    await mlflow.client.artifacts.upload(src, path);

    expect(sha256(await objectBytes(`${PREFIX}/${path}`))).toBe(sha256(content));
    expect(await mlflow.client.artifacts.list(runArtifactPath(run.info, 'model'))).toEqual([{ path, isDir: false, size: content.length }]);
    const back = join(scratch, 'back.onnx');
    await mlflow.client.artifacts.download(path, back);
    expect(sha256(await readFile(back))).toBe(sha256(content));
    // Nothing went to the local artifact directory.
    await expect(readFile(join(mlflow.dataDir, 'artifacts', path))).rejects.toThrow(/ENOENT/);
  });

  it('uploads a directory as one object per file', async () => {
    const dir = join(scratch, 'report');
    await mkdir(join(dir, 'plots'), { recursive: true });
    await writeFile(join(dir, 'summary.json'), '{"nwrmsle":0.5}');
    await writeFile(join(dir, 'plots', 'h00.csv'), 'h,err\n0,0.4\n');
    await mlflow.client.artifacts.uploadDirectory(dir, runArtifactPath(run.info, 'report'));
    const listed = await moto.client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/${runArtifactPath(run.info, 'report')}/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!.slice(PREFIX.length + runArtifactPath(run.info, 'report').length + 2)).sort();
    expect(keys).toEqual(['plots/h00.csv', 'summary.json']);
    expect((await objectBytes(`${PREFIX}/${runArtifactPath(run.info, 'report/plots/h00.csv')}`)).toString()).toBe('h,err\n0,0.4\n');
  });
});
