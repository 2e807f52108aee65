import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake } from '../../../core/storage/open-lake.js';
import { buildFeatures, stagingTablesFromLake } from '../../../pipelines/features/index.js';
import { startMotoServer, useDummyAwsCredentials, type MotoServer } from '../../support/moto-server.js';
import { TRAIN_ORIGIN } from './feature-fixture.js';
import { featureTestbed } from './feature-testbed.js';
import { shiftDay } from './naive-features.js';

const bed = featureTestbed();
let moto: MotoServer;
let restoreEnv: () => void;
/** Local paths of the uploaded sales partitions: every tenth day keeps the upload and the test short. */
let uploadedSales: string[];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const dateOf = (path: string): string => /date=(\d{4}-\d{2}-\d{2})/.exec(path)![1];

beforeAll(async () => {
  restoreEnv = useDummyAwsCredentials();
  moto = await startMotoServer();
  await moto.createBucket('shelf');
  const client = moto.client();
  const staging = join(bed.lakeDir(), 'staging');
  const files = (await filesUnder(staging)).filter((f) => f.endsWith('data.parquet')).sort();
  const sales = files.filter((f) => f.includes('/train/'));
  uploadedSales = sales.filter((_, i) => i % 10 === 0);
  for (const file of [...uploadedSales, ...files.filter((f) => !f.includes('/train/'))]) {
    await client.send(new PutObjectCommand({ Bucket: 'shelf', Key: `lake/staging/${relative(staging, file)}`, Body: await readFile(file) }));
  }
});
afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('features from an S3 lake', () => {
  it('downloads only the partitions of [t−365, t+15] and builds the same table as from the same local files', async () => {
    const cacheDir = await bed.dirs.make('features-s3-cache');
    const lake = openLake({ lake: 's3://shelf/lake', cacheDir, s3: { region: 'us-east-1', endpoint: moto.endpoint } });
    try {
      const tables = await stagingTablesFromLake(lake, TRAIN_ORIGIN);
      const lastUploaded = dateOf(uploadedSales.at(-1)!);
      expect(tables.lastObservedDay).toBe(lastUploaded);
      const inWindow = uploadedSales.filter((f) => dateOf(f) >= shiftDay(TRAIN_ORIGIN, -365) && dateOf(f) <= shiftDay(TRAIN_ORIGIN, 15));
      expect(inWindow.length).toBeLessThan(uploadedSales.length);
      // The S3 lake keeps downloaded objects under <cache>/s3/<bucket>/<prefix>/objects/.
      const downloaded = (await filesUnder(cacheDir)).filter((f) => f.includes('/objects/') && f.endsWith('data.parquet'));
      expect(downloaded.filter((f) => f.includes('/train/')).map(dateOf).sort()).toEqual(inWindow.map(dateOf));
      expect(downloaded.filter((f) => f.includes('/test/'))).toEqual([]); // t+15 is observed: no plan needed
      expect(downloaded).toHaveLength(inWindow.length + 2); // and items, stores

      const fromS3 = await buildFeatures(tables, { origin: TRAIN_ORIGIN, labels: true }, bed.deps());
      const local = await buildFeatures(
        { ...bed.tables(), train: uploadedSales, lastObservedDay: lastUploaded },
        { origin: TRAIN_ORIGIN, labels: true },
        bed.deps(),
      );
      expect(fromS3.rows).toBeGreaterThan(0);
      expect(Array.from(fromS3.storeNbr)).toEqual(Array.from(local.storeNbr));
      expect(Array.from(fromS3.values)).toEqual(Array.from(local.values));
      expect(Array.from(fromS3.labels!)).toEqual(Array.from(local.labels!));
    } finally {
      lake.close();
    }
  });
});
