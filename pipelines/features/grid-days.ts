import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { HISTORY_DAYS } from './feature-spec.js';

/**
 * The day range of one origin's grid (series-grid.ts): day offsets from t−HISTORY_DAYS to t+15, for the sales
 * history x, the labels (x on days ≥ t) and the promotions p. Features read x only before the origin, so no
 * feature can see a sale on or after it.
 */

/** First day offset of the grid (t−147). */
export const FIRST_OFFSET = -HISTORY_DAYS;
/** Last day offset of the grid (t+15). */
export const LAST_OFFSET = HORIZON_DAYS - 1;
/** Number of days in the grid. */
export const GRID_DAYS = LAST_OFFSET - FIRST_OFFSET + 1;
