import { afterAll, beforeAll } from 'vitest';
import { buildFeatures, type FeatureDeps, type FeatureTable, type StagingTables } from '../../../pipelines/features/index.js';
import { tempDirs } from '../../support/temp-dirs.js';
import { fixtureData, TRAIN_ORIGIN, writeStagingLake } from './feature-fixture.js';
import type { NaiveData } from './naive-features.js';

/** The fixture lake of one test file, written before its tests and removed after them. */
export interface FeatureTestbed {
  readonly data: NaiveData;
  readonly dirs: ReturnType<typeof tempDirs>;
  lakeDir(): string;
  tables(): StagingTables;
  deps(): FeatureDeps;
  /** The table at TRAIN_ORIGIN with labels, built once per file for the tests that only read it. */
  trainOriginTable(): Promise<FeatureTable>;
}

/** Registers the hooks that write the fixture lake; call at the top level of a test file. */
export function featureTestbed(): FeatureTestbed {
  const dirs = tempDirs();
  const data = fixtureData();
  let lakeDir = '';
  let cacheDir = '';
  let tables: StagingTables | undefined;
  let trainTable: Promise<FeatureTable> | undefined;
  beforeAll(async () => {
    lakeDir = await dirs.make('features-lake');
    cacheDir = await dirs.make('features-cache');
    tables = await writeStagingLake(lakeDir, data);
  });
  afterAll(() => dirs.cleanup());
  const testbed: FeatureTestbed = {
    data,
    dirs,
    lakeDir: () => lakeDir,
    tables: () => tables!,
    deps: () => ({ cacheDir, duckdb: { memoryLimit: '1GB', threads: 2 } }),
    trainOriginTable: () => (trainTable ??= buildFeatures(testbed.tables(), { origin: TRAIN_ORIGIN, labels: true }, testbed.deps())),
  };
  return testbed;
}

/** |actual − expected| within 1e-5, relative above 1 (features are float32); NaN only where NaN is expected. */
export function close(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected));
}
