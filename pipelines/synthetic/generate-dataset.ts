import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { noProgress, type ProgressFactory } from '../../core/progress.js';
import { HORIZON_DAYS, KAGGLE_SCHEMA, type KaggleFileKind } from '../schema/kaggle-schema.js';
import { openAtomicFile, type AtomicFileSink } from './atomic-file-sink.js';
import { ChunkWriter } from './chunk-writer.js';
import { renderCsv } from './csv-encoding.js';
import { isoOf } from './day-calendar.js';
import { oilPrices } from './oil-prices.js';
import { holidaysTable, itemsTable, oilTable, storesTable } from './reference-tables.js';
import { SalesDraw } from './sales-draw.js';
import { SCALES, type ScaleName } from './scales.js';
import { buildWorld, type SyntheticWorld } from './synthetic-world.js';
import { writePlanHistory, writeTestGrid } from './test-grid.js';

/** File formats the generator writes. */
export const OUTPUT_FORMATS = ['csv', 'csv.gz'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Largest `daily` count accepted: one year of drops. */
export const MAX_DAILY_DAYS = 366;
/** Largest `planHistory` accepted: two years of past promotion plans. */
export const MAX_PLAN_HISTORY_DAYS = 731;
/** Name (without extension) of the file of past promotion plans: a `test` file covering past days. */
export const PLAN_HISTORY_FILE = 'test_plan_history';

/** What to generate. */
export interface GenerateOptions {
  readonly scale: ScaleName;
  /** Unsigned 32-bit seed: the same seed gives byte-identical files. */
  readonly seed: number;
  readonly outDir: string;
  /** Number of daily drops `daily/train_YYYY-MM-DD` after the last train day (0 = none). */
  readonly daily?: number;
  /**
   * Days before and including the last train day whose promotion plan is written to `test_plan_history`: every
   * promoted cell, sold or not (0 = none, as in the Kaggle files).
   */
  readonly planHistory?: number;
  readonly format?: OutputFormat;
}

/** Collaborators, all optional: progress reporting, logs, and a clock for the seconds in the summary. */
export interface GenerateDeps {
  readonly progress?: ProgressFactory;
  readonly logger?: Logger;
  /** Milliseconds from an arbitrary origin (default `performance.now`). */
  readonly now?: () => number;
}

/** One written file, with its path relative to the output directory. */
export interface GeneratedFile {
  readonly file: string;
  readonly kind: KaggleFileKind;
  readonly rows: number;
  readonly bytes: number;
}

/** What a run produced. */
export interface GenerateSummary {
  readonly scale: ScaleName;
  readonly seed: number;
  readonly format: OutputFormat;
  readonly outDir: string;
  readonly train: { readonly firstDate: string; readonly lastDate: string; readonly rows: number };
  readonly test: { readonly firstDate: string; readonly lastDate: string; readonly rows: number };
  readonly daily: { readonly days: number; readonly rows: number };
  readonly planHistory: { readonly days: number; readonly rows: number };
  readonly files: readonly GeneratedFile[];
  readonly seconds: number;
}

interface OpenFile {
  readonly file: string;
  readonly kind: KaggleFileKind;
  readonly sink: AtomicFileSink;
  readonly writer: ChunkWriter;
  rows: number;
  bytes: number;
}

/** Rejects options a caller could get wrong (the CLI validates its flags before this, naming them). */
export function checkGenerateOptions(options: GenerateOptions): void {
  if (!(options.scale in SCALES)) throw new UsageError(`unknown scale ${JSON.stringify(options.scale)}: expected one of ${Object.keys(SCALES).join(', ')}`);
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new UsageError(`seed must be an integer from 0 to 4294967295, got ${options.seed}`);
  }
  const daily = options.daily ?? 0;
  if (!Number.isInteger(daily) || daily < 0 || daily > MAX_DAILY_DAYS) {
    throw new UsageError(`daily must be an integer from 0 to ${MAX_DAILY_DAYS}, got ${daily}`);
  }
  const planHistory = options.planHistory ?? 0;
  if (!Number.isInteger(planHistory) || planHistory < 0 || planHistory > MAX_PLAN_HISTORY_DAYS) {
    throw new UsageError(`planHistory must be an integer from 0 to ${MAX_PLAN_HISTORY_DAYS}, got ${planHistory}`);
  }
  if (options.format !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(`unknown format ${JSON.stringify(options.format)}: expected csv or csv.gz`);
  }
  if (!options.outDir) throw new UsageError('an output directory is required');
}

/**
 * Generates a synthetic dataset in the Kaggle Favorita schema: `train`, `test`, `items`, `stores`, `oil`,
 * `holidays_events`, `transactions`, and optionally daily drops. Rows stream to disk in large chunks; every file
 * is written under a temporary name and all are renamed into place only once every file is complete.
 */
export async function generateDataset(options: GenerateOptions, deps: GenerateDeps = {}): Promise<GenerateSummary> {
  checkGenerateOptions(options);
  const progress = deps.progress ?? noProgress;
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const daily = options.daily ?? 0;
  const planHistory = options.planHistory ?? 0;
  const format = options.format ?? 'csv';
  const ext = `.${format}`;
  const world = buildWorld(SCALES[options.scale], options.seed, daily);

  try {
    await mkdir(options.outDir, { recursive: true });
    if (daily > 0) await mkdir(join(options.outDir, 'daily'), { recursive: true });
  } catch (cause) {
    throw new UsageError(`cannot create the output directory ${options.outDir}: ${(cause as Error).message}`, { cause });
  }
  const opened: OpenFile[] = [];
  const open = async (file: string, kind: KaggleFileKind, header = true): Promise<OpenFile> => {
    const sink = await openAtomicFile(join(options.outDir, file), format === 'csv.gz');
    const handle: OpenFile = { file, kind, sink, writer: new ChunkWriter(sink), rows: 0, bytes: 0 };
    opened.push(handle);
    if (header) handle.writer.writeText(`${KAGGLE_SCHEMA[kind].map((c) => c.name).join(',')}\n`);
    return handle;
  };
  const close = async (handle: OpenFile): Promise<void> => {
    handle.writer.finish();
    handle.bytes = await handle.sink.close();
    logger.debug({ file: handle.file, rows: handle.rows, bytes: handle.bytes }, 'synthetic file written');
  };

  try {
    const rowsProgress = progress({ label: `generate ${options.scale}`, unit: 'rows' });
    const draw = new SalesDraw(world);
    const train = await open(`train${ext}`, 'train');
    const transactions = await open(`transactions${ext}`, 'transactions');
    await writeTrain(world, draw, train, transactions, (rows) => rowsProgress.tick(rows));

    const test = await open(`test${ext}`, 'test');
    test.rows = await writeTestGrid(world, draw, test.writer, train.rows, (rows) => rowsProgress.tick(rows));
    await close(train);
    await close(transactions);
    await close(test);

    const gridSize = world.stores.length * world.testItems.length;
    const historyFiles: OpenFile[] = [];
    if (planHistory > 0) {
      const history = await open(`${PLAN_HISTORY_FILE}${ext}`, 'test');
      // Ids after every id a test row or a daily drop can have.
      const firstId = train.rows + MAX_DAILY_DAYS * gridSize;
      history.rows = await writePlanHistory(world, draw, history.writer, firstId, { from: world.endDay - planHistory + 1, to: world.endDay }, (rows) =>
        rowsProgress.tick(rows),
      );
      await close(history);
      historyFiles.push(history);
    }

    const dailyFiles: OpenFile[] = [];
    for (let offset = 1; offset <= daily; offset++) {
      const day = world.endDay + offset;
      const drop = await open(`daily/train_${isoOf(day)}${ext}`, 'train');
      // A drop's ids are the ids its cells have (or would have, past the horizon) in the test grid.
      const ids = { kind: 'grid' as const, base: train.rows + (offset - 1) * gridSize };
      if (draw.prepareDay(day)) {
        for (let s = 0; s < world.stores.length; s++) {
          draw.writeStoreDay(s, drop.writer, ids);
          drop.rows += draw.lastRows;
          rowsProgress.tick(draw.lastRows);
          await drop.writer.settle();
        }
      }
      await close(drop);
      dailyFiles.push(drop);
    }

    const references = [
      itemsTable(world),
      storesTable(world),
      oilTable(oilPrices(world.seed, world.startDay, world.lastDay)),
      holidaysTable(world.holidays),
    ];
    const referenceFiles: OpenFile[] = [];
    for (const table of references) {
      const handle = await open(`${table.kind}${ext}`, table.kind, false);
      handle.writer.writeText(renderCsv(table.header, table.rows));
      handle.rows = table.rows.length;
      await close(handle);
      referenceFiles.push(handle);
    }
    rowsProgress.done();

    for (const handle of opened) await handle.sink.commit();
    const files = [train, test, ...historyFiles, ...referenceFiles, transactions, ...dailyFiles].map(({ file, kind, rows, bytes }) => ({ file, kind, rows, bytes }));
    return {
      scale: options.scale,
      seed: options.seed,
      format,
      outDir: options.outDir,
      train: { firstDate: isoOf(world.startDay), lastDate: isoOf(world.endDay), rows: train.rows },
      test: { firstDate: isoOf(world.endDay + 1), lastDate: isoOf(world.endDay + HORIZON_DAYS), rows: test.rows },
      daily: { days: daily, rows: dailyFiles.reduce((sum, f) => sum + f.rows, 0) },
      planHistory: { days: planHistory, rows: historyFiles.reduce((sum, f) => sum + f.rows, 0) },
      files,
      seconds: Math.round(now() - started) / 1000,
    };
  } catch (err) {
    await Promise.all(opened.map((handle) => handle.sink.abort()));
    throw err;
  }
}

/** The train period, date-major: train rows and, per open store-day with sales, one transactions row. */
async function writeTrain(
  world: SyntheticWorld,
  draw: SalesDraw,
  train: OpenFile,
  transactions: OpenFile,
  onRows: (rows: number) => void,
): Promise<void> {
  const ids = { kind: 'sequential' as const, next: 0 };
  for (let day = world.startDay; day <= world.endDay; day++) {
    if (!draw.prepareDay(day)) continue;
    const date = isoOf(day);
    let lines = '';
    for (let s = 0; s < world.stores.length; s++) {
      const milliUnits = draw.writeStoreDay(s, train.writer, ids);
      if (draw.lastRows > 0) {
        lines += `${date},${world.stores[s].storeNbr},${draw.transactionsFor(s, milliUnits)}\n`;
        transactions.rows++;
      }
      onRows(draw.lastRows);
      await train.writer.settle();
    }
    transactions.writer.writeText(lines);
    await transactions.writer.settle();
  }
  train.rows = ids.next;
}

