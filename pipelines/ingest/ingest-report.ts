import type { KaggleFileKind } from '../schema/kaggle-schema.js';
import type { SkippedFile } from './source-files.js';

/** A file this run validated and loaded. */
export interface LoadedFileReport {
  readonly name: string;
  readonly kind: KaggleFileKind;
  readonly rows: number;
  readonly sha256: string;
}

/** Dates of a partitioned kind by what this run did to them. */
export interface DateChanges {
  readonly added: string[];
  readonly replaced: string[];
  readonly unchanged: string[];
}

/** What one ingest run did. */
export interface IngestReport {
  readonly lake: string;
  readonly source: string;
  readonly files: {
    readonly loaded: LoadedFileReport[];
    /** Files whose content the ledger already records as loaded. */
    readonly alreadyLoaded: string[];
    /** Files that are not part of the Kaggle contract. */
    readonly skipped: SkippedFile[];
  };
  /** Rows in the loaded files. */
  readonly rows: number;
  readonly train: DateChanges;
  /** The promotion plan (test file). */
  readonly test: DateChanges;
  readonly tables: Partial<Record<KaggleFileKind, 'added' | 'replaced' | 'unchanged'>>;
  /** Objects written to staging, and objects found already written by an interrupted run and only recorded. */
  readonly written: number;
  readonly recorded: number;
  readonly seconds: number;
}

/** The report as a few lines for people. */
export function formatIngestReport(r: IngestReport): string {
  const lines = [`ingest ${r.source} -> ${r.lake}`];
  const loaded = r.files.loaded.map((f) => `${f.name} (${f.kind}, ${f.rows} rows)`);
  lines.push(`  files loaded: ${r.files.loaded.length}${loaded.length ? ` — ${loaded.join(', ')}` : ''}`);
  if (r.files.alreadyLoaded.length) lines.push(`  already loaded: ${r.files.alreadyLoaded.length} — ${r.files.alreadyLoaded.join(', ')}`);
  const reasons = [...new Set(r.files.skipped.map((s) => s.reason))];
  for (const reason of reasons) {
    const names = r.files.skipped.filter((s) => s.reason === reason).map((s) => s.name);
    lines.push(`  skipped, ${reason}: ${names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ')}`);
  }
  lines.push(`  rows: ${r.rows}`);
  lines.push(`  train dates: ${describeDates(r.train)}`);
  if (r.test.added.length + r.test.replaced.length + r.test.unchanged.length > 0) lines.push(`  promotion plan dates: ${describeDates(r.test)}`);
  const tables = Object.entries(r.tables).map(([k, v]) => `${k} ${v}`);
  if (tables.length) lines.push(`  tables: ${tables.join(', ')}`);
  if (r.recorded) lines.push(`  recovered from an interrupted run: ${r.recorded} objects already in place`);
  lines.push(`  ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

function describeDates(d: DateChanges): string {
  return `${d.added.length} added${span(d.added)}, ${d.replaced.length} replaced${span(d.replaced)}, ${d.unchanged.length} unchanged`;
}

function span(dates: string[]): string {
  if (dates.length === 0) return '';
  return dates.length === 1 ? ` (${dates[0]})` : ` (${dates[0]} … ${dates[dates.length - 1]})`;
}
