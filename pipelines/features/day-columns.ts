import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { HISTORY_DAYS } from './feature-spec.js';

/**
 * The dense day grid of one origin as columns: one column per day offset from t−HISTORY_DAYS to t+15, for the
 * sales history x, the labels (x on days ≥ t) and the promotions p. Features read only `x_m*` and `p_*`, so no
 * feature can see a sale on or after the origin.
 */

/** First day offset of the grid (t−147). */
export const FIRST_OFFSET = -HISTORY_DAYS;
/** Last day offset of the grid (t+15). */
export const LAST_OFFSET = HORIZON_DAYS - 1;
/** Number of days in the grid. */
export const GRID_DAYS = LAST_OFFSET - FIRST_OFFSET + 1;

/** Sales column of a day offset: `x_m3` is x[t−3]; on and after the origin it is the label `y_h`. */
export function salesColumn(offset: number): string {
  return offset < 0 ? `x_m${-offset}` : `y_${offset}`;
}

/** Promotion column of a day offset: `p_m3` is p[t−3], `p_p0` is p[t]. */
export function promoColumn(offset: number): string {
  return offset < 0 ? `p_m${-offset}` : `p_p${offset}`;
}

/** Every day offset of the grid, oldest first. */
export function gridOffsets(): number[] {
  return Array.from({ length: GRID_DAYS }, (_, i) => FIRST_OFFSET + i);
}

/** Columns of the day grid in table order: history sales, labels, then promotions. */
export function gridColumns(): string[] {
  const offsets = gridOffsets();
  return [...offsets.map(salesColumn), ...offsets.map(promoColumn)];
}
