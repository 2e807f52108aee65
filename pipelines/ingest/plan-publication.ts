import { DataError } from '../../core/errors.js';
import type { KaggleFileKind } from '../schema/kaggle-schema.js';
import { sameHashScheme } from './content-hash.js';
import { partitionKey, tableKey, type PartitionedKind } from './lake-layout.js';
import type { Ledger, StagedEntry } from './ledger.js';
import type { StagedFile } from './stage-file.js';

/** One object this run may publish: a date partition or a reference table, with the file it came from. */
export interface Candidate {
  readonly kind: KaggleFileKind;
  /** Set for partitions. */
  readonly date?: string;
  readonly key: string;
  readonly rows: number;
  readonly hash: string;
  readonly path: string;
  readonly file: string;
  readonly sha256: string;
}

/** What happens to a candidate: written, only recorded in the ledger (the lake already holds it), or nothing. */
export type Action = 'write' | 'record' | 'none';
export type Outcome = 'added' | 'replaced' | 'unchanged';

export interface PlannedObject {
  readonly candidate: Candidate;
  readonly action: Action;
  readonly outcome: Outcome;
}

/**
 * Gathers the objects of all staged files. A date delivered twice in one run must have the same content
 * (the copy is then ignored); two files for one reference table in one run are ambiguous.
 */
export function collectCandidates(staged: readonly StagedFile[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const s of staged) {
    const objects: Candidate[] = s.table
      ? [{ kind: s.file.kind, key: tableKey(s.file.kind), ...pick(s.table), file: s.file.key, sha256: s.sha256 }]
      : s.parts.map((p) => ({
          kind: s.file.kind,
          date: p.date,
          key: partitionKey(s.file.kind as PartitionedKind, p.date),
          ...pick(p),
          file: s.file.key,
          sha256: s.sha256,
        }));
    for (const c of objects) {
      const earlier = byKey.get(c.key);
      if (!earlier) {
        byKey.set(c.key, c);
      } else if (!c.date) {
        throw new DataError(`two ${c.kind} files in one run (${earlier.file} and ${c.file}); deliver one`, { file: c.file });
      } else if (earlier.hash !== c.hash) {
        throw new DataError(`date ${c.date} is also in ${earlier.file} with different rows; deliver each date in one file`, {
          file: c.file,
          column: 'date',
        });
      }
    }
  }
  return [...byKey.values()];
}

/** The ledger entry that describes a candidate's key, if any. */
export function ledgerEntryOf(ledger: Ledger, c: Candidate): StagedEntry | undefined {
  return c.date ? ledger.partitions[c.kind as PartitionedKind][c.date] : ledger.tables[c.kind];
}

/**
 * Candidates whose stored twin must be hashed before deciding: those the ledger does not vouch for (absent,
 * different, or hashed by another engine version) while an object is present under their key.
 */
export function keysToVerify(candidates: readonly Candidate[], ledger: Ledger, present: ReadonlySet<string>): string[] {
  return candidates
    .filter((c) => present.has(c.key) && !vouched(ledgerEntryOf(ledger, c), c))
    .map((c) => c.key);
}

/**
 * Decides what to publish. `storedHashes` holds the content hash of objects present in the lake that
 * `keysToVerify` asked for. A present object whose content equals the candidate (left by an interrupted run)
 * is only recorded. A train date the ledger holds with other content is a DataError unless `replace` is set.
 */
export function planPublication(
  candidates: readonly Candidate[],
  ledger: Ledger,
  present: ReadonlySet<string>,
  storedHashes: ReadonlyMap<string, string>,
  replace: boolean,
): PlannedObject[] {
  const plan: PlannedObject[] = [];
  const conflicts: { c: Candidate; entry: StagedEntry }[] = [];
  for (const c of candidates) {
    const entry = ledgerEntryOf(ledger, c);
    if (vouched(entry, c)) {
      plan.push({ candidate: c, action: present.has(c.key) ? 'none' : 'write', outcome: 'unchanged' });
      continue;
    }
    const stored = storedHashes.get(c.key);
    const changed = entry !== undefined && !(!sameHashScheme(entry.hash, c.hash) && stored === c.hash);
    if (stored === c.hash) {
      plan.push({ candidate: c, action: 'record', outcome: changed ? 'replaced' : entry ? 'unchanged' : 'added' });
      continue;
    }
    if (entry && c.kind === 'train' && !replace) {
      conflicts.push({ c, entry });
      continue;
    }
    plan.push({ candidate: c, action: 'write', outcome: entry ? 'replaced' : 'added' });
  }
  if (conflicts.length > 0) throw conflictError(conflicts);
  return plan;
}

function vouched(entry: StagedEntry | undefined, c: Candidate): boolean {
  return entry !== undefined && entry.hash === c.hash;
}

function conflictError(conflicts: { c: Candidate; entry: StagedEntry }[]): DataError {
  const { c, entry } = conflicts[0];
  const dates = conflicts.map((x) => x.c.date);
  const shown = dates.length > 5 ? `${dates.slice(0, 5).join(', ')} and ${dates.length - 5} more` : dates.join(', ');
  return new DataError(
    `date${dates.length > 1 ? 's' : ''} ${shown} ${dates.length > 1 ? 'are' : 'is'} already loaded with different content ` +
      `(the lake has ${entry.rows} rows from ${entry.file} for ${c.date}, this file has ${c.rows}); ` +
      'to load a correction, run ingest again with --replace',
    { file: c.file, column: 'date' },
  );
}

function pick(o: { rows: number; hash: string; path: string }): { rows: number; hash: string; path: string } {
  return { rows: o.rows, hash: o.hash, path: o.path };
}
