import { describe, expect, it } from 'vitest';
import { DataError } from '../../../core/errors.js';
import { emptyLedger, type Ledger } from '../../../pipelines/ingest/ledger.js';
import { collectCandidates, keysToVerify, planPublication, type Candidate } from '../../../pipelines/ingest/plan-publication.js';
import type { StagedFile } from '../../../pipelines/ingest/stage-file.js';

const H = (n: number, version = '1.5.6'): string => `duckdb-${version}:${n}`;
const part = (date: string, hash: string, file = 'train.csv'): Candidate => ({
  kind: 'train',
  date,
  key: `staging/train/date=${date}/data.parquet`,
  rows: 10,
  hash,
  path: `/staged/${date}.parquet`,
  file,
  sha256: 'f'.repeat(64),
});

function ledgerWith(entries: Record<string, string>): Ledger {
  const l = emptyLedger();
  for (const [date, hash] of Object.entries(entries)) {
    l.partitions.train[date] = { key: `staging/train/date=${date}/data.parquet`, rows: 9, hash, file: 'old.csv', sha256: 'e'.repeat(64), loaded_at: 't' };
  }
  return l;
}

describe('planPublication', () => {
  it('writes new dates, leaves vouched dates alone and restores a vouched date whose file is gone', () => {
    const ledger = ledgerWith({ '2017-01-01': H(1), '2017-01-02': H(2) });
    const present = new Set(['staging/train/date=2017-01-01/data.parquet']);
    const plan = planPublication([part('2017-01-01', H(1)), part('2017-01-02', H(2)), part('2017-01-03', H(3))], ledger, present, new Map(), false);
    expect(plan.map((p) => [p.candidate.date, p.action, p.outcome])).toEqual([
      ['2017-01-01', 'none', 'unchanged'],
      ['2017-01-02', 'write', 'unchanged'],
      ['2017-01-03', 'write', 'added'],
    ]);
  });

  it('only records an object an interrupted run left in place when its content matches', () => {
    const present = new Set(['staging/train/date=2017-01-01/data.parquet', 'staging/train/date=2017-01-02/data.parquet']);
    const candidates = [part('2017-01-01', H(1)), part('2017-01-02', H(2))];
    expect(keysToVerify(candidates, emptyLedger(), present)).toEqual([...present]);
    const stored = new Map([
      ['staging/train/date=2017-01-01/data.parquet', H(1)],
      ['staging/train/date=2017-01-02/data.parquet', H(99)],
    ]);
    const plan = planPublication(candidates, emptyLedger(), present, stored, false);
    expect(plan.map((p) => [p.action, p.outcome])).toEqual([
      ['record', 'added'],
      ['write', 'added'],
    ]);
  });

  it('refuses a loaded train date with other content without replace, naming --replace', () => {
    const ledger = ledgerWith({ '2017-01-01': H(1), '2017-01-02': H(2) });
    const present = new Set(Object.values(ledger.partitions.train).map((e) => e!.key));
    const candidates = [part('2017-01-01', H(5), 'fix.csv'), part('2017-01-02', H(6), 'fix.csv')];
    const err = (() => {
      try {
        planPublication(candidates, ledger, present, new Map(), false);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toBe(
      'fix.csv, column date: dates 2017-01-01, 2017-01-02 are already loaded with different content (the lake has 9 rows from old.csv for 2017-01-01, this file has 10); to load a correction, run ingest again with --replace',
    );
    const plan = planPublication(candidates, ledger, present, new Map(), true);
    expect(plan.map((p) => [p.action, p.outcome])).toEqual([
      ['write', 'replaced'],
      ['write', 'replaced'],
    ]);
  });

  it('finishes an interrupted replace: the stored object already holds the correction', () => {
    const ledger = ledgerWith({ '2017-01-01': H(1) });
    const present = new Set(['staging/train/date=2017-01-01/data.parquet']);
    const plan = planPublication([part('2017-01-01', H(5))], ledger, present, new Map([['staging/train/date=2017-01-01/data.parquet', H(5)]]), false);
    expect(plan.map((p) => [p.action, p.outcome])).toEqual([['record', 'replaced']]);
  });

  it('does not compare hashes made by another engine version: it hashes the stored object instead', () => {
    const ledger = ledgerWith({ '2017-01-01': H(1, '1.4.0') });
    const present = new Set(['staging/train/date=2017-01-01/data.parquet']);
    const candidates = [part('2017-01-01', H(7))];
    expect(keysToVerify(candidates, ledger, present)).toEqual(['staging/train/date=2017-01-01/data.parquet']);
    const same = planPublication(candidates, ledger, present, new Map([['staging/train/date=2017-01-01/data.parquet', H(7)]]), false);
    expect(same.map((p) => [p.action, p.outcome])).toEqual([['record', 'unchanged']]);
    expect(() => planPublication(candidates, ledger, present, new Map([['staging/train/date=2017-01-01/data.parquet', H(8)]]), false)).toThrow(/--replace/);
  });

  it('replaces the promotion plan and reference tables without --replace', () => {
    const ledger = emptyLedger();
    ledger.partitions.test['2017-01-01'] = { key: 'staging/test/date=2017-01-01/data.parquet', rows: 1, hash: H(1), file: 'test.csv', sha256: 'e'.repeat(64), loaded_at: 't' };
    ledger.tables.items = { key: 'staging/items/data.parquet', rows: 1, hash: H(1), file: 'items.csv', sha256: 'e'.repeat(64), loaded_at: 't' };
    const plan = planPublication(
      [
        { ...part('2017-01-01', H(2), 'test_v2.csv'), kind: 'test', key: 'staging/test/date=2017-01-01/data.parquet' },
        { kind: 'items', key: 'staging/items/data.parquet', rows: 2, hash: H(3), path: '/w/items.parquet', file: 'items.csv', sha256: 'd'.repeat(64) },
      ],
      ledger,
      new Set(['staging/test/date=2017-01-01/data.parquet', 'staging/items/data.parquet']),
      new Map(),
      false,
    );
    expect(plan.map((p) => [p.candidate.kind, p.action, p.outcome])).toEqual([
      ['test', 'write', 'replaced'],
      ['items', 'write', 'replaced'],
    ]);
  });
});

describe('collectCandidates', () => {
  const staged = (name: string, kind: 'train' | 'items', parts: [string, string][]): StagedFile => ({
    file: { key: name, name, kind, format: 'csv', size: 1 },
    sha256: name.padEnd(64, '0'),
    rows: parts.length,
    dates: null,
    parts: kind === 'train' ? parts.map(([date, hash]) => ({ date, rows: 1, hash, path: `/w/${name}/${date}` })) : [],
    table: kind === 'items' ? { rows: 1, hash: H(1), path: `/w/${name}` } : undefined,
  });

  it('keeps one copy of a date delivered twice with equal rows', () => {
    const c = collectCandidates([staged('train.csv', 'train', [['2017-01-01', H(1)], ['2017-01-02', H(2)]]), staged('train_2017-01-02.csv', 'train', [['2017-01-02', H(2)]])]);
    expect(c.map((x) => [x.date, x.file])).toEqual([
      ['2017-01-01', 'train.csv'],
      ['2017-01-02', 'train.csv'],
    ]);
  });

  it('refuses two files for one reference table in a run', () => {
    expect(() => collectCandidates([staged('items.csv', 'items', []), staged('items_v2.csv', 'items', [])])).toThrow(
      'items_v2.csv: two items files in one run (items.csv and items_v2.csv); deliver one',
    );
  });
});
