import { join } from 'node:path';
import { DuckDbSession, sqlString } from '../../core/duckdb-session.js';
import type { Lake } from '../../core/storage/lake.js';
import { createWorkDir, removeWorkDir } from '../../core/work-dir.js';
import { STAGING_PREFIX, tableKey } from '../ingest/lake-layout.js';
import { readLedger } from '../ingest/ledger.js';
import { findDateGaps } from './date-gaps.js';
import type { DayRows, LakeProfile, PlanProfile, SalesProfile } from './lake-profile.js';

/** The lake to profile and where DuckDB may spill; the limits default to the ingest ones. */
export interface ProfileDeps {
  readonly lake: Lake;
  readonly cacheDir: string;
  readonly duckdb?: { readonly memoryLimit?: string; readonly threads?: number };
}

const LAST_DAYS = 7;
const TABLES = ['stores', 'items', 'oil', 'holidays_events', 'transactions'] as const;

/**
 * Describes what the lake holds: the sales history (date range, rows per day, stores, items, promotions,
 * returns, missing days), the promotion plan, reference tables and the loaded files.
 *
 * @example const profile = await profileLake({ lake: openLake(config), cacheDir: config.cacheDir })
 */
export async function profileLake(deps: ProfileDeps): Promise<LakeProfile> {
  const { lake } = deps;
  const ledger = await readLedger(lake);
  const staged = await lake.list(STAGING_PREFIX);
  const files = ledger.files.map((f) => ({ name: f.name, kind: f.kind, rows: f.rows, loadedAt: f.loaded_at }));
  if (staged.length === 0) return { lake: lake.location, empty: files.length === 0, sales: null, promotionPlan: null, tables: {}, files };

  const workDir = await createWorkDir(deps.cacheDir, 'profile');
  const db = await DuckDbSession.open({
    memoryLimit: deps.duckdb?.memoryLimit ?? '2GB',
    threads: deps.duckdb?.threads ?? 2,
    tempDirectory: join(workDir, 'duckdb-tmp'),
  });
  try {
    const has = (prefix: string): boolean => staged.some((o) => o.key.startsWith(prefix));
    const sales = has(`${STAGING_PREFIX}train/`) ? await profileSales(db, await partitions(lake, 'train')) : null;
    const promotionPlan = has(`${STAGING_PREFIX}test/`) ? await profilePlan(db, await partitions(lake, 'test')) : null;
    const tables: LakeProfile['tables'] = {};
    for (const kind of TABLES) {
      if (!staged.some((o) => o.key === tableKey(kind))) continue;
      const r = await db.row<{ n: string }>(`SELECT count(*) AS n FROM read_parquet(${sqlString(await lake.materialise(tableKey(kind)))})`);
      tables[kind] = Number(r?.n ?? 0);
    }
    return { lake: lake.location, empty: false, sales, promotionPlan, tables, files };
  } finally {
    db.close();
    await removeWorkDir(workDir);
  }
}

async function partitions(lake: Lake, kind: 'train' | 'test'): Promise<string> {
  const dir = await lake.materialisePrefix(`${STAGING_PREFIX}${kind}/`);
  return `read_parquet(${sqlString(join(dir, 'date=*', 'data.parquet'))}, hive_partitioning = false)`;
}

async function profileSales(db: DuckDbSession, relation: string): Promise<SalesProfile> {
  const perDay = (await db.rows<{ d: string; n: string }>(`SELECT date::VARCHAR AS d, count(*) AS n FROM ${relation} GROUP BY date ORDER BY date`)).map(
    (r): DayRows => ({ date: r.d, rows: Number(r.n) }),
  );
  const totals = await db.row<{ stores: string; items: string; known: string; promo: string; negative: string }>(
    `SELECT count(DISTINCT store_nbr) AS stores, count(DISTINCT item_nbr) AS items, count(onpromotion) AS known,
            count(*) FILTER (WHERE onpromotion) AS promo, count(*) FILTER (WHERE unit_sales < 0) AS negative
     FROM ${relation}`,
  );
  const counts = perDay.map((d) => d.rows);
  const rows = counts.reduce((a, b) => a + b, 0);
  const known = Number(totals?.known ?? 0);
  const promo = Number(totals?.promo ?? 0);
  const { gaps, closedDays } = findDateGaps(perDay.map((d) => d.date));
  return {
    firstDate: perDay[0].date,
    lastDate: perDay[perDay.length - 1].date,
    days: perDay.length,
    rows,
    rowsPerDay: { min: Math.min(...counts), mean: rows / perDay.length, max: Math.max(...counts) },
    lastDays: perDay.slice(-LAST_DAYS),
    stores: Number(totals?.stores ?? 0),
    items: Number(totals?.items ?? 0),
    promo: { knownRows: known, promoRows: promo, share: known > 0 ? promo / known : null },
    negativeRows: Number(totals?.negative ?? 0),
    gaps,
    closedDays,
  };
}

async function profilePlan(db: DuckDbSession, relation: string): Promise<PlanProfile> {
  const r = await db.row<{ first: string; last: string; days: string; n: string }>(
    `SELECT min(date)::VARCHAR AS first, max(date)::VARCHAR AS last, count(DISTINCT date) AS days, count(*) AS n FROM ${relation}`,
  );
  return { firstDate: String(r?.first), lastDate: String(r?.last), days: Number(r?.days ?? 0), rows: Number(r?.n ?? 0) };
}
