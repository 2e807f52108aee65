import { DataError } from '../../core/errors.js';
import type { Lake } from '../../core/storage/lake.js';
import { partitionKey, STAGING_PREFIX, tableKey, type PartitionedKind } from '../ingest/lake-layout.js';
import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { SELECTION_DAYS } from './feature-spec.js';
import { addDays } from './iso-date.js';

/**
 * The staged tables a feature build reads, as local Parquet files with the staging columns
 * (pipelines/schema/kaggle-schema.ts). Any lake can provide them: see stagingTablesFromLake.
 */
export interface StagingTables {
  /** Sales (`train`): a glob or a list of files. Only days in [t−365, t+15] are read. */
  readonly train: string | readonly string[];
  /**
   * When `train` is a list of one-day partitions: the day of each file, in the same order, so that a query about
   * some days opens only their files.
   */
  readonly trainDays?: readonly string[];
  /** The promotion plan (`test`): a glob or a list of files; absent or empty means no promotion is planned. */
  readonly promotionPlan?: string | readonly string[];
  /** Like trainDays, for a `promotionPlan` list. */
  readonly promotionPlanDays?: readonly string[];
  /** `items` (item_nbr, family, class, perishable). */
  readonly items: string;
  /** `stores` (store_nbr, city, state, type, cluster). */
  readonly stores: string;
  /**
   * The last day of the whole sales history when `train` holds only some of its days (as stagingTablesFromLake
   * gives); by default the latest date in `train`.
   */
  readonly lastObservedDay?: string;
}

/** Staged partition dates of `kind` in the lake, ascending. */
export async function stagedDates(lake: Lake, kind: PartitionedKind): Promise<string[]> {
  const prefix = `${STAGING_PREFIX}${kind}/`;
  const dates: string[] = [];
  for (const object of await lake.list(prefix)) {
    const date = /^date=(\d{4}-\d{2}-\d{2})\/data\.parquet$/.exec(object.key.slice(prefix.length))?.[1];
    if (date && object.key === partitionKey(kind, date)) dates.push(date);
  }
  return dates.sort();
}

/** The last day with staged sales, or undefined for a lake without sales. */
export async function lastStagedSalesDay(lake: Lake): Promise<string | undefined> {
  return (await stagedDates(lake, 'train')).at(-1);
}

/**
 * Local copies of what a build at `origin` reads from the lake: the sales and promotion-plan partitions of
 * [t−365, t+15] (plans of past days, where the lake holds them, give the promotions of those days), and the
 * reference tables. `planDaysBefore` leaves out the plan from that day on, for a caller that brings its own. From S3 only those objects are
 * downloaded.
 */
export async function stagingTablesFromLake(
  lake: Lake,
  origin: string,
  options: { readonly planDaysBefore?: string } = {},
): Promise<StagingTables & { readonly lastObservedDay: string }> {
  const sales = await stagedDates(lake, 'train');
  const lastObservedDay = sales.at(-1);
  if (!lastObservedDay) throw new DataError(`${lake.location} holds no staged sales (${STAGING_PREFIX}train/); run \`shelfcast ingest\` first`);
  const from = addDays(origin, -SELECTION_DAYS);
  const to = addDays(origin, HORIZON_DAYS - 1);
  const trainDates = sales.filter((d) => d >= from && d <= to);
  const planEnd = options.planDaysBefore === undefined ? to : addDays(options.planDaysBefore, -1);
  const planDates = (await stagedDates(lake, 'test')).filter((d) => d >= from && d <= planEnd);
  const items = await requireTable(lake, 'items');
  const stores = await requireTable(lake, 'stores');
  const materialise = (kind: PartitionedKind, dates: string[]): Promise<string[]> =>
    mapLimited(dates, DOWNLOADS_AT_ONCE, (d) => lake.materialise(partitionKey(kind, d)));
  return {
    train: await materialise('train', trainDates),
    trainDays: trainDates,
    promotionPlan: await materialise('test', planDates),
    promotionPlanDays: planDates,
    items,
    stores,
    lastObservedDay,
  };
}

/** Partitions fetched at the same time from an S3 lake (as many as the S3 lake's own prefix download). */
const DOWNLOADS_AT_ONCE = 4;

/** `work` over every item with at most `limit` running at once; results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function requireTable(lake: Lake, kind: 'items' | 'stores'): Promise<string> {
  const key = tableKey(kind);
  if (!(await lake.stat(key))) throw new DataError(`${lake.location} has no staged ${kind} table (${key}); run \`shelfcast ingest\` with ${kind}.csv first`);
  return lake.materialise(key);
}
