/**
 * The Corporación Favorita file contract (DESIGN.md, Data contracts): each file kind, its columns in delivery
 * order, and the DuckDB type each column is staged as. The generator writes exactly these columns; ingest
 * accepts exactly these columns.
 */
export type KaggleFileKind = 'train' | 'test' | 'items' | 'stores' | 'oil' | 'holidays_events' | 'transactions';

export type ColumnType = 'BIGINT' | 'INTEGER' | 'SMALLINT' | 'DOUBLE' | 'DATE' | 'BOOLEAN' | 'VARCHAR';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** Whether an empty field is allowed (e.g. `onpromotion` before promotions were recorded, oil on some days). */
  readonly nullable: boolean;
}

const col = (name: string, type: ColumnType, nullable = false): ColumnSpec => ({ name, type, nullable });

export const KAGGLE_SCHEMA: Readonly<Record<KaggleFileKind, readonly ColumnSpec[]>> = {
  train: [
    col('id', 'BIGINT'),
    col('date', 'DATE'),
    col('store_nbr', 'SMALLINT'),
    col('item_nbr', 'INTEGER'),
    col('unit_sales', 'DOUBLE'),
    col('onpromotion', 'BOOLEAN', true),
  ],
  test: [
    col('id', 'BIGINT'),
    col('date', 'DATE'),
    col('store_nbr', 'SMALLINT'),
    col('item_nbr', 'INTEGER'),
    col('onpromotion', 'BOOLEAN', true),
  ],
  items: [col('item_nbr', 'INTEGER'), col('family', 'VARCHAR'), col('class', 'INTEGER'), col('perishable', 'SMALLINT')],
  stores: [
    col('store_nbr', 'SMALLINT'),
    col('city', 'VARCHAR'),
    col('state', 'VARCHAR'),
    col('type', 'VARCHAR'),
    col('cluster', 'SMALLINT'),
  ],
  oil: [col('date', 'DATE'), col('dcoilwtico', 'DOUBLE', true)],
  holidays_events: [
    col('date', 'DATE'),
    col('type', 'VARCHAR'),
    col('locale', 'VARCHAR'),
    col('locale_name', 'VARCHAR'),
    col('description', 'VARCHAR'),
    col('transferred', 'BOOLEAN'),
  ],
  transactions: [col('date', 'DATE'), col('store_nbr', 'SMALLINT'), col('transactions', 'INTEGER')],
};

export const KAGGLE_FILE_KINDS = Object.keys(KAGGLE_SCHEMA) as KaggleFileKind[];

/** Forecast horizon of the competition: the test file covers the 16 days after the last observed day. */
export const HORIZON_DAYS = 16;

/** Holiday-calendar vocabulary used by the Kaggle `holidays_events` file. */
export const HOLIDAY_TYPES = ['Holiday', 'Transfer', 'Additional', 'Bridge', 'Work Day', 'Event'] as const;
export const HOLIDAY_LOCALES = ['National', 'Regional', 'Local'] as const;
export const STORE_TYPES = ['A', 'B', 'C', 'D', 'E'] as const;

/**
 * Which kind a delivered file is, from its base name: `train.csv`, `train_2017-08-16.csv.gz` (a daily drop),
 * `items.parquet`, … Returns undefined for names that are not part of the contract.
 */
export function fileKindOf(baseName: string): KaggleFileKind | undefined {
  const stem = baseName.replace(/\.(csv|csv\.gz|parquet)$/i, '');
  if (stem === baseName) return undefined;
  for (const kind of KAGGLE_FILE_KINDS) {
    if (stem === kind || stem.startsWith(`${kind}_`) || stem.startsWith(`${kind}-`)) return kind;
  }
  return undefined;
}
