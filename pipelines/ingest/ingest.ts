import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbSession } from '../../core/duckdb-session.js';
import { UsageError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { noProgress, type ProgressFactory } from '../../core/progress.js';
import type { Lake } from '../../core/storage/lake.js';
import { openLake, type LakeConfig } from '../../core/storage/open-lake.js';
import { isS3Url } from '../../core/storage/s3-url.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import type { KaggleFileKind } from '../schema/kaggle-schema.js';
import { contentHashTag } from './content-hash.js';
import { fileSha256 } from './file-sha256.js';
import type { DateChanges, IngestReport } from './ingest-report.js';
import { addKnownKeys, loadKnownKeys, type MutableKeyCounts } from './known-keys.js';
import { STAGING_PREFIX } from './lake-layout.js';
import { readLedger, writeLedger, type Ledger } from './ledger.js';
import { collectCandidates, keysToVerify, planPublication, type PlannedObject } from './plan-publication.js';
import { nextLedger, publish } from './publish.js';
import { selectSourceFiles, type SourceFile } from './source-files.js';
import { stageFile, type StageContext, type StagedFile } from './stage-file.js';
import { hashStoredObjects } from './stored-hashes.js';

/** What to ingest. */
export interface IngestOptions {
  /** A directory or `s3://bucket/prefix` holding Kaggle-schema files. */
  readonly source: string;
  /** Allow a train date that is already loaded to be replaced by different rows (a correction). */
  readonly replace?: boolean;
}

/** The lake, the source and the engine limits; everything but `config` has a default. */
export interface IngestDeps {
  readonly config: LakeConfig;
  readonly lake?: Lake;
  readonly openSource?: (location: string) => Lake;
  readonly logger?: Logger;
  readonly progress?: ProgressFactory;
  /** DuckDB limits: the defaults keep a full Kaggle train file under 4 GB of resident memory on 2 cores. */
  readonly duckdb?: { readonly memoryLimit?: string; readonly threads?: number };
  readonly clock?: () => Date;
}

/**
 * Loads delivered files into the lake: validates every file completely first, then publishes raw copies, staged
 * Parquet (each object atomically) and, last, the ledger. A run that is interrupted at any point and run again
 * ends in the same lake as an uninterrupted run. Files the ledger already records are skipped.
 *
 * @example await ingest({ source: 'data/favorita' }, { config: loadConfig() })
 */
export async function ingest(options: IngestOptions, deps: IngestDeps): Promise<IngestReport> {
  const started = performance.now();
  const logger = deps.logger ?? silentLogger;
  const progress = deps.progress ?? noProgress;
  const clock = deps.clock ?? (() => new Date());
  if (!isS3Url(options.source) && !existsSync(options.source)) {
    throw new UsageError(`--source ${options.source}: no such directory`);
  }
  if (!isS3Url(options.source) && !statSync(options.source).isDirectory()) {
    throw new UsageError(`--source ${options.source}: not a directory; pass the directory that holds the files`);
  }
  const lake = deps.lake ?? openLake(deps.config);
  const source = (deps.openSource ?? ((location) => openLake(deps.config, location)))(options.source);
  const workDir = await createWorkDir(deps.config.cacheDir, 'ingest');
  const threads = deps.duckdb?.threads ?? 2;
  let db: DuckDbSession | undefined;
  try {
    for (const prefix of [STAGING_PREFIX, 'raw/', '_ledger/']) {
      const removed = await lake.removeIncomplete(prefix);
      if (removed) logger.info({ prefix, removed }, 'removed leftovers of an interrupted write');
    }
    const ledger = await readLedger(lake);
    const { files, skipped } = selectSourceFiles(await source.list(''));
    logger.info({ source: source.location, files: files.length, skipped: skipped.length }, 'ingest: source listed');

    db = await DuckDbSession.open({
      memoryLimit: deps.duckdb?.memoryLimit ?? '2GB',
      threads,
      tempDirectory: join(workDir, 'duckdb-tmp'),
    });
    const version = await db.version();
    const ctx: StageContext & { known: MutableKeyCounts } = {
      db,
      workDir,
      threads,
      logger,
      hashTag: (sum) => contentHashTag(version, sum),
      known: await loadKnownKeys(db, lake),
    };

    const { staged, localPaths, alreadyLoaded } = await validateAll(ctx, source, files, ledger, progress, logger);

    const candidates = collectCandidates(staged);
    const present = new Set((await lake.list(STAGING_PREFIX)).map((o) => o.key));
    const toVerify = new Set(keysToVerify(candidates, ledger, present));
    const storedHashes = await hashStoredObjects(db, lake, candidates.filter((c) => toVerify.has(c.key)), ctx.hashTag);
    const plan = planPublication(candidates, ledger, present, storedHashes, Boolean(options.replace));

    const now = clock().toISOString();
    await publish(lake, staged, localPaths, plan, progress, logger);
    if (staged.length > 0) await writeLedger(lake, nextLedger(ledger, staged, plan, now));

    return {
      lake: lake.location,
      source: source.location,
      files: {
        loaded: staged.map((s) => ({ name: s.file.key, kind: s.file.kind, rows: s.rows, sha256: s.sha256 })),
        alreadyLoaded,
        skipped,
      },
      rows: staged.reduce((n, s) => n + s.rows, 0),
      train: dateChanges(plan, 'train'),
      test: dateChanges(plan, 'test'),
      tables: Object.fromEntries(plan.filter((p) => !p.candidate.date).map((p) => [p.candidate.kind, p.outcome])),
      written: plan.filter((p) => p.action === 'write').length,
      recorded: plan.filter((p) => p.action === 'record').length,
      seconds: secondsSince(started),
    };
  } finally {
    db?.close();
    await removeWorkDir(workDir);
    source.close();
    if (!deps.lake) lake.close();
  }
}

interface ValidatedRun {
  readonly staged: StagedFile[];
  /** Where each staged file's delivered bytes are on local disk, for the raw copy. */
  readonly localPaths: Map<StagedFile, string>;
  readonly alreadyLoaded: string[];
}

/** Hashes every source file, skips those the ledger records, and validates and stages the others in order. */
async function validateAll(
  ctx: StageContext & { known: MutableKeyCounts },
  source: Lake,
  files: readonly SourceFile[],
  ledger: Ledger,
  progress: ProgressFactory,
  logger: Logger,
): Promise<ValidatedRun> {
  const run: ValidatedRun = { staged: [], localPaths: new Map(), alreadyLoaded: [] };
  const bar = progress({ label: 'ingest: validate', unit: 'files', total: files.length });
  for (const [index, file] of files.entries()) {
    const t0 = performance.now();
    const localPath = await source.materialise(file.key);
    const sha256 = await fileSha256(localPath);
    if (ledger.files.some((f) => f.sha256 === sha256 && f.kind === file.kind)) {
      run.alreadyLoaded.push(file.key);
      logger.info({ file: file.key }, 'ingest: already loaded, skipped');
    } else {
      const s = await stageFile(ctx, file, localPath, sha256, index);
      if (s.table && (file.kind === 'stores' || file.kind === 'items')) await addKnownKeys(ctx.db, ctx.known, file.kind, s.table.path);
      run.staged.push(s);
      run.localPaths.set(s, localPath);
      logger.info({ file: file.key, kind: file.kind, rows: s.rows, dates: s.dates?.count ?? 0, seconds: secondsSince(t0) }, 'ingest: file validated');
    }
    bar.tick(1);
  }
  bar.done();
  return run;
}

function dateChanges(plan: readonly PlannedObject[], kind: KaggleFileKind): DateChanges {
  const of = (outcome: PlannedObject['outcome']): string[] =>
    plan.filter((p) => p.candidate.kind === kind && p.candidate.date && p.outcome === outcome).map((p) => p.candidate.date!).sort();
  return { added: of('added'), replaced: of('replaced'), unchanged: of('unchanged') };
}

function secondsSince(t0: number): number {
  return Math.round((performance.now() - t0) / 100) / 10;
}
