import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../../core/errors.js';
import { openLake } from '../../../core/storage/open-lake.js';
import { S3Lake } from '../../../core/storage/s3-lake.js';
import { parseS3Url } from '../../../core/storage/s3-url.js';
import { lakeContract } from '../../support/lake-contract.js';
import { startMotoServer, useDummyAwsCredentials, type MotoServer } from '../../support/moto-server.js';
import { tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
let moto: MotoServer;
let restoreEnv: () => void;
let buckets = 0;

beforeAll(async () => {
  restoreEnv = useDummyAwsCredentials();
  moto = await startMotoServer();
});
afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
  await dirs.cleanup();
});

async function freshS3Lake(prefix = 'lake/root', options: { partSize?: number } = {}): Promise<{ lake: S3Lake; scratch: string; bucket: string }> {
  const bucket = `shelfcast-test-${++buckets}`;
  await moto.createBucket(bucket);
  const lake = new S3Lake(parseS3Url(`s3://${bucket}/${prefix}`), {
    region: 'us-east-1',
    endpoint: moto.endpoint,
    cacheDir: await dirs.make('cache'),
    ...options,
  });
  return { lake, scratch: await dirs.make('scratch'), bucket };
}

describe('S3Lake against an S3-compatible server', () => {
  lakeContract(() => freshS3Lake());

  it('keeps objects under its prefix, addressed path-style at the configured endpoint', async () => {
    const { lake, scratch, bucket } = await freshS3Lake('team/lake');
    await writeFile(join(scratch, 'f'), 'x');
    await lake.putFile('staging/items/data.parquet', join(scratch, 'f'));
    const head = await moto.client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'team/lake/staging/items/data.parquet' }));
    expect(head.ContentLength).toBe(1);
    expect(lake.location).toBe(`s3://${bucket}/team/lake`);
  });

  it('uploads large files in parts and the object is whole', async () => {
    const MiB = 1024 * 1024;
    const { lake, scratch } = await freshS3Lake('lake', { partSize: 5 * MiB });
    const big = randomBytes(11 * MiB + 123);
    await writeFile(join(scratch, 'big.csv'), big);
    await lake.putFile('raw/train/abc/train.csv', join(scratch, 'big.csv'));
    const local = await lake.materialise('raw/train/abc/train.csv');
    expect((await readFile(local)).equals(big)).toBe(true);
  });

  it('downloads for DuckDB once and again only when the object changed', async () => {
    const { lake, scratch } = await freshS3Lake();
    await writeFile(join(scratch, 'f'), 'first');
    await lake.putFile('staging/oil/data.parquet', join(scratch, 'f'));
    const path = await lake.materialise('staging/oil/data.parquet');
    const before = (await stat(path)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await lake.materialise('staging/oil/data.parquet')).toBe(path);
    expect((await stat(path)).mtimeMs).toBe(before);
    await writeFile(join(scratch, 'f'), 'fresh');
    await lake.putFile('staging/oil/data.parquet', join(scratch, 'f'));
    expect(await readFile(await lake.materialise('staging/oil/data.parquet'), 'utf8')).toBe('fresh');
  });

  it('aborts multipart uploads left by an interrupted run', async () => {
    const { lake, bucket } = await freshS3Lake('lake');
    const client = moto.client();
    await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'lake/raw/train/abc/train.csv' }));
    await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'elsewhere/train.csv' }));
    expect(await lake.removeIncomplete('raw/')).toBe(1);
    const left = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect((left.Uploads ?? []).map((u) => u.Key)).toEqual(['elsewhere/train.csv']);
  });

  it('names the object and the cause when the bucket does not exist', async () => {
    const lake = new S3Lake(parseS3Url('s3://no-such-bucket-here/lake'), { region: 'us-east-1', endpoint: moto.endpoint, cacheDir: await dirs.make('cache') });
    const err = await lake.readText('_ledger/ledger.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/s3:\/\/no-such-bucket-here\/lake\/_ledger\/ledger\.json.*NoSuchBucket/);
    lake.close();
  });

  it('is what openLake returns for an s3:// location', async () => {
    const lake = openLake({ lake: 's3://some-bucket/a/b/', cacheDir: await dirs.make('cache'), s3: { region: 'us-east-1', endpoint: moto.endpoint } });
    expect(lake).toBeInstanceOf(S3Lake);
    expect(lake.location).toBe('s3://some-bucket/a/b');
    lake.close();
  });
});
