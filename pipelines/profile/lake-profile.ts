import type { KaggleFileKind } from '../schema/kaggle-schema.js';

/** Rows on one day. */
export interface DayRows {
  readonly date: string;
  readonly rows: number;
}

/** The sales history (train) in the lake. */
export interface SalesProfile {
  readonly firstDate: string;
  readonly lastDate: string;
  readonly days: number;
  readonly rows: number;
  readonly rowsPerDay: { readonly min: number; readonly mean: number; readonly max: number };
  /** The last few days, oldest first. */
  readonly lastDays: DayRows[];
  readonly stores: number;
  readonly items: number;
  /** Share of rows on promotion among rows whose onpromotion is known (null when none is known). */
  readonly promo: { readonly knownRows: number; readonly promoRows: number; readonly share: number | null };
  readonly negativeRows: number;
  /** Missing days between first and last date, other than 25 December. */
  readonly gaps: string[];
  /** Missing 1 Januarys and 25 Decembers (the stores are closed). */
  readonly closedDays: string[];
}

/** The promotion plan (test file) in the lake. */
export interface PlanProfile {
  readonly firstDate: string;
  readonly lastDate: string;
  readonly days: number;
  readonly rows: number;
}

/** A file the ledger records as loaded. */
export interface ProfiledFile {
  readonly name: string;
  readonly kind: KaggleFileKind;
  readonly rows: number;
  readonly loadedAt: string;
}

/** What the lake holds. */
export interface LakeProfile {
  readonly lake: string;
  readonly empty: boolean;
  readonly sales: SalesProfile | null;
  readonly promotionPlan: PlanProfile | null;
  /** Rows of each staged reference table. */
  readonly tables: Partial<Record<KaggleFileKind, number>>;
  readonly files: ProfiledFile[];
}
