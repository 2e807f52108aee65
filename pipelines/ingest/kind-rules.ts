import {
  HOLIDAY_LOCALES,
  HOLIDAY_TYPES,
  KAGGLE_SCHEMA,
  STORE_TYPES,
  type KaggleFileKind,
} from '../schema/kaggle-schema.js';

/** A value check: `bad` is a SQL predicate over one typed row that is true when the row breaks the rule. */
export interface ValueRule {
  readonly column: string;
  readonly bad: string;
  /** What a valid value looks like, completing "<column> must …" / "<column> is …". */
  readonly expectation: string;
}

/** A column that must name a row of a reference table (a store or an item). */
export interface KeyReference {
  readonly column: 'store_nbr' | 'item_nbr';
  readonly table: 'stores' | 'items';
}

/** How one file kind is validated and staged. */
export interface KindRules {
  /** Staged as one partition per date (train, test) rather than as one table file. */
  readonly partitioned: boolean;
  /** Columns that identify a row; no two rows of one delivery may share them. Empty: no uniqueness rule. */
  readonly key: readonly string[];
  /** Staged row order; with a unique key this makes staged files byte-identical for identical input. */
  readonly sortBy: readonly string[];
  readonly references: readonly KeyReference[];
  readonly rules: readonly ValueRule[];
}

const inList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');
const positive = (column: string): ValueRule => ({ column, bad: `"${column}" <= 0`, expectation: 'must be a positive number' });
const storeRef: KeyReference = { column: 'store_nbr', table: 'stores' };
const itemRef: KeyReference = { column: 'item_nbr', table: 'items' };

const RULES: Readonly<Record<KaggleFileKind, Omit<KindRules, 'rules'> & { extra: readonly ValueRule[] }>> = {
  train: {
    partitioned: true,
    key: ['date', 'store_nbr', 'item_nbr'],
    sortBy: ['date', 'store_nbr', 'item_nbr'],
    references: [storeRef, itemRef],
    extra: [
      { column: 'id', bad: '"id" < 0', expectation: 'must not be negative' },
      positive('store_nbr'),
      positive('item_nbr'),
      { column: 'unit_sales', bad: 'NOT isfinite("unit_sales")', expectation: 'must be a finite number' },
    ],
  },
  test: {
    partitioned: true,
    key: ['date', 'store_nbr', 'item_nbr'],
    sortBy: ['date', 'store_nbr', 'item_nbr'],
    references: [storeRef, itemRef],
    extra: [{ column: 'id', bad: '"id" < 0', expectation: 'must not be negative' }, positive('store_nbr'), positive('item_nbr')],
  },
  items: {
    partitioned: false,
    key: ['item_nbr'],
    sortBy: ['item_nbr'],
    references: [],
    extra: [
      positive('item_nbr'),
      { column: 'class', bad: '"class" < 0', expectation: 'must not be negative' },
      { column: 'perishable', bad: '"perishable" NOT IN (0, 1)', expectation: 'must be 0 or 1' },
    ],
  },
  stores: {
    partitioned: false,
    key: ['store_nbr'],
    sortBy: ['store_nbr'],
    references: [],
    extra: [
      positive('store_nbr'),
      positive('cluster'),
      { column: 'type', bad: `"type" NOT IN (${inList(STORE_TYPES)})`, expectation: `must be one of ${STORE_TYPES.join(', ')}` },
    ],
  },
  oil: {
    partitioned: false,
    key: ['date'],
    sortBy: ['date'],
    references: [],
    extra: [{ column: 'dcoilwtico', bad: 'NOT isfinite("dcoilwtico") OR "dcoilwtico" <= 0', expectation: 'must be a positive finite number' }],
  },
  holidays_events: {
    partitioned: false,
    // The Kaggle calendar has several events on one date (national and local), so there is no key.
    key: [],
    sortBy: KAGGLE_SCHEMA.holidays_events.map((c) => c.name),
    references: [],
    extra: [
      { column: 'type', bad: `"type" NOT IN (${inList(HOLIDAY_TYPES)})`, expectation: `must be one of ${HOLIDAY_TYPES.join(', ')}` },
      { column: 'locale', bad: `"locale" NOT IN (${inList(HOLIDAY_LOCALES)})`, expectation: `must be one of ${HOLIDAY_LOCALES.join(', ')}` },
    ],
  },
  transactions: {
    partitioned: false,
    key: ['date', 'store_nbr'],
    sortBy: ['date', 'store_nbr'],
    references: [storeRef],
    extra: [positive('store_nbr'), { column: 'transactions', bad: '"transactions" < 0', expectation: 'must not be negative' }],
  },
};

/** The validation and staging rules of one kind; required columns get an "is empty" rule first. */
export function rulesFor(kind: KaggleFileKind): KindRules {
  const { extra, ...rest } = RULES[kind];
  const required = KAGGLE_SCHEMA[kind]
    .filter((c) => !c.nullable)
    .map((c): ValueRule => ({ column: c.name, bad: `"${c.name}" IS NULL`, expectation: 'is empty but the column is required' }));
  return { ...rest, rules: [...required, ...extra] };
}

/** Whether a kind carries a `date` column. */
export function hasDate(kind: KaggleFileKind): boolean {
  return KAGGLE_SCHEMA[kind].some((c) => c.name === 'date');
}

/**
 * Order within one run: reference tables first so that the keys of later files can be checked against them,
 * the promotion plan and transactions next, sales last.
 */
export const KIND_ORDER: readonly KaggleFileKind[] = ['stores', 'items', 'oil', 'holidays_events', 'transactions', 'test', 'train'];
