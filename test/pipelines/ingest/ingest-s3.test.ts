import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLake, type LakeConfig } from '../../../core/storage/open-lake.js';
import { ingest, LEDGER_KEY } from '../../../pipelines/ingest/index.js';
import { profileLake } from '../../../pipelines/profile/index.js';
import { LocalLake } from '../../../core/storage/local-lake.js';
import { fileTree } from '../../support/file-tree.js';
import { buildFixture, writeFixture } from '../../support/kaggle-fixture.js';
import { startMotoServer, useDummyAwsCredentials, type MotoServer } from '../../support/moto-server.js';
import { localLakeConfig, tempDirs } from '../../support/temp-dirs.js';

const dirs = tempDirs();
const fixture = buildFixture();
let moto: MotoServer;
let restoreEnv: () => void;
let localSource: string;
let localLake: string;

beforeAll(async () => {
  restoreEnv = useDummyAwsCredentials();
  moto = await startMotoServer();
  await moto.createBucket('favorita');
  localSource = await dirs.make('source');
  await writeFixture(localSource, fixture, 'csv.gz');
  const client = moto.client();
  for (const name of await readdir(localSource)) {
    await client.send(new PutObjectCommand({ Bucket: 'favorita', Key: `incoming/2017/${name}`, Body: await readFile(join(localSource, name)) }));
  }
  localLake = await dirs.make('lake');
  await ingest({ source: localSource }, { config: localLakeConfig(localLake, await dirs.make('cache')) });
});
afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
  await dirs.cleanup();
});

async function s3Config(): Promise<LakeConfig> {
  return { lake: 's3://favorita/lake', cacheDir: await dirs.make('cache'), s3: { region: 'us-east-1', endpoint: moto.endpoint } };
}

describe('ingest with S3 as source and lake', () => {
  it('stages the same bytes as a local lake, is idempotent, and profiles alike', async () => {
    const config = await s3Config();
    const report = await ingest({ source: 's3://favorita/incoming/2017' }, { config });
    expect(report.lake).toBe('s3://favorita/lake');
    expect(report.files.loaded.map((f) => f.name)).toContain('train.csv.gz');

    const lake = openLake(config);
    try {
      const local = await fileTree(join(localLake, 'staging'));
      const remote: Record<string, string> = {};
      const client = moto.client();
      for (const o of await lake.list('staging/')) {
        const body = await client.send(new GetObjectCommand({ Bucket: 'favorita', Key: `lake/${o.key}` }));
        remote[o.key.slice('staging/'.length)] = createHash('sha256').update(await body.Body!.transformToByteArray()).digest('hex');
      }
      expect(remote).toEqual(local);
      expect((await lake.list('raw/')).length).toBe(7);
      const ledgerBefore = await lake.readText(LEDGER_KEY);

      const again = await ingest({ source: 's3://favorita/incoming/2017' }, { config });
      expect(again.files.alreadyLoaded).toHaveLength(7);
      expect(again.written).toBe(0);
      expect(await lake.readText(LEDGER_KEY)).toBe(ledgerBefore);

      const fromS3 = await profileLake({ lake, cacheDir: config.cacheDir });
      const fromDisk = await profileLake({ lake: new LocalLake(localLake), cacheDir: config.cacheDir });
      const comparable = (p: typeof fromS3): unknown => ({ ...p, lake: undefined, files: p.files.map((f) => ({ ...f, loadedAt: undefined })) });
      expect(comparable(fromS3)).toEqual(comparable(fromDisk));
      expect(fromS3.sales?.rows).toBe(fixture.tables.train.length);
    } finally {
      lake.close();
    }
  });
});
