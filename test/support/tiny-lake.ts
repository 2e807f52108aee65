import { LocalLake } from '../../core/storage/local-lake.js';
import { ingest } from '../../pipelines/ingest/index.js';
import { generateDataset } from '../../pipelines/synthetic/index.js';
import { localLakeConfig, type tempDirs } from './temp-dirs.js';

/** A generated `tiny` data set ingested into a fresh local lake, for the suites that train. */
export interface TinyLake {
  readonly lake: LocalLake;
  /** The generated Kaggle files (train.csv, test.csv, …). */
  readonly dataDir: string;
  readonly cacheDir: string;
  /** An empty directory for run directories. */
  readonly runsDir: string;
}

/** `daily` drops go to `<dataDir>/daily/`, left for the test to ingest later (moving the lake's last day on). */
export async function tinyLake(dirs: ReturnType<typeof tempDirs>, name: string, seed: number, daily = 0): Promise<TinyLake> {
  const dataDir = await dirs.make(`${name}-data`);
  const cacheDir = await dirs.make(`${name}-cache`);
  const runsDir = await dirs.make(`${name}-runs`);
  const lakeDir = await dirs.make(`${name}-lake`);
  await generateDataset({ scale: 'tiny', seed, outDir: dataDir, daily }, {});
  await ingest({ source: dataDir }, { config: localLakeConfig(lakeDir, cacheDir) });
  return { lake: new LocalLake(lakeDir), dataDir, cacheDir, runsDir };
}
