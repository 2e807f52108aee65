import type { Logger } from '../../core/logger.js';
import type { ProgressFactory } from '../../core/progress.js';
import type { Lake } from '../../core/storage/lake.js';
import { rawKey } from './lake-layout.js';
import type { Ledger } from './ledger.js';
import type { PlannedObject } from './plan-publication.js';
import type { StagedFile } from './stage-file.js';

/** Writes the run's objects: raw copies first (content-addressed, so harmless if the run stops later), then staged objects. */
export async function publish(
  lake: Lake,
  staged: readonly StagedFile[],
  localPaths: ReadonlyMap<StagedFile, string>,
  plan: readonly PlannedObject[],
  progress: ProgressFactory,
  logger: Logger,
): Promise<void> {
  const writes = plan.filter((p) => p.action === 'write');
  const bar = progress({ label: 'ingest: publish', unit: 'objects', total: staged.length + writes.length });
  for (const s of staged) {
    const key = rawKey(s.file.kind, s.sha256, s.file.name);
    if (!(await lake.stat(key))) await lake.putFile(key, localPaths.get(s)!);
    bar.tick(1);
  }
  for (const p of writes) {
    await lake.putFile(p.candidate.key, p.candidate.path, { move: true });
    logger.debug({ key: p.candidate.key, rows: p.candidate.rows }, 'ingest: published');
    bar.tick(1);
  }
  bar.done();
}

/** The ledger after this run: entries for every object written or recorded, and the loaded files. */
export function nextLedger(ledger: Ledger, staged: readonly StagedFile[], plan: readonly PlannedObject[], now: string): Ledger {
  const next: Ledger = structuredClone(ledger);
  next.updated_at = now;
  for (const { candidate: c, action } of plan) {
    if (action === 'none') continue;
    const entry = { key: c.key, rows: c.rows, hash: c.hash, file: c.file, sha256: c.sha256, loaded_at: now };
    if (c.date) next.partitions[c.kind as 'train' | 'test'][c.date] = entry;
    else next.tables[c.kind] = entry;
  }
  for (const s of staged) {
    next.files.push({
      name: s.file.key,
      sha256: s.sha256,
      kind: s.file.kind,
      bytes: s.file.size,
      rows: s.rows,
      dates: s.dates,
      raw_key: rawKey(s.file.kind, s.sha256, s.file.name),
      loaded_at: now,
    });
  }
  return next;
}
