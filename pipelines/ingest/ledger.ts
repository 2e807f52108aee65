import { z } from 'zod';
import { StorageError } from '../../core/errors.js';
import type { Lake } from '../../core/storage/lake.js';
import { KAGGLE_FILE_KINDS, type KaggleFileKind } from '../schema/kaggle-schema.js';

/** Where the ledger lives in the lake. */
export const LEDGER_KEY = '_ledger/ledger.json';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const kind = z.enum(KAGGLE_FILE_KINDS as [KaggleFileKind, ...KaggleFileKind[]]);

/** One delivered file that has been loaded completely. */
const ledgerFile = z.object({
  name: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  kind,
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  dates: z.object({ first: isoDate, last: isoDate, count: z.number().int().nonnegative() }).nullable(),
  raw_key: z.string(),
  loaded_at: z.string(),
});

/** What one staged object (a date partition or a reference table) holds and which file it came from. */
const stagedEntry = z.object({
  key: z.string(),
  rows: z.number().int().nonnegative(),
  hash: z.string(),
  file: z.string(),
  sha256: z.string(),
  loaded_at: z.string(),
});

const ledgerSchema = z.object({
  format: z.literal('shelfcast-ledger/1'),
  updated_at: z.string(),
  files: z.array(ledgerFile),
  /** train and test: one entry per date. */
  partitions: z.object({ train: z.record(isoDate, stagedEntry), test: z.record(isoDate, stagedEntry) }),
  /** items, stores, oil, holidays_events, transactions. */
  tables: z.partialRecord(kind, stagedEntry),
});

export type Ledger = z.infer<typeof ledgerSchema>;
export type LedgerFile = z.infer<typeof ledgerFile>;
export type StagedEntry = z.infer<typeof stagedEntry>;

/** The ledger of a lake that has never been loaded. */
export function emptyLedger(): Ledger {
  return { format: 'shelfcast-ledger/1', updated_at: '', files: [], partitions: { train: {}, test: {} }, tables: {} };
}

/** Reads and checks the ledger; an empty ledger when the lake has none. */
export async function readLedger(lake: Lake): Promise<Ledger> {
  const value = await lake.readJson(LEDGER_KEY);
  if (value === undefined) return emptyLedger();
  const parsed = ledgerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StorageError(`${lake.location}/${LEDGER_KEY} is not a valid ledger: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Replaces the ledger in one atomic write; entries are sorted so that equal ledgers are equal text. */
export async function writeLedger(lake: Lake, ledger: Ledger): Promise<void> {
  const sortKeys = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await lake.writeJson(LEDGER_KEY, {
    ...ledger,
    partitions: { train: sortKeys(ledger.partitions.train), test: sortKeys(ledger.partitions.test) },
    tables: sortKeys(ledger.tables),
  });
}
