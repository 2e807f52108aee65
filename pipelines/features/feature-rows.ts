import { HORIZON_DAYS } from '../schema/kaggle-schema.js';
import { ATTRIBUTES, FEATURE_NAMES, LEVELS, PERISHABLE_WEIGHT, seriesFeatures, type Level } from './feature-spec.js';
import { compileSeriesFeatures, type SeriesFeatureWriter } from './series-features.js';
import type { SeriesGrid } from './series-grid.js';
import { GRID_DAYS } from './grid-days.js';

/** Keys of the selected store×item pairs, indexed by `sid` (pairs in (store_nbr, item_nbr) order). */
export interface PairKeys {
  readonly storeNbr: Int32Array;
  readonly itemNbr: Int32Array;
  /** The item's class, the key of the store-class level. */
  readonly classNbr: Int32Array;
}

/** The series features of one coarser level, and which of its series each pair belongs to. */
export interface LevelFeatures {
  /** Level series × SERIES_WIDTH, row-major. */
  readonly features: Float32Array;
  /** Level series of each pair, by `sid`. */
  readonly rowOf: Int32Array;
}

/** Number of series features of one level. */
export const SERIES_WIDTH = seriesFeatures().length;

/** Each pair's key at each coarser level (LEVELS after the pair itself), whose series sum the pairs' series. */
export function coarserLevelKeys(keys: PairKeys): Float64Array[] {
  return LEVELS.slice(1).map((level) => levelKeys(keys, level.keys));
}

/**
 * Writes the series features of series from … to−1 of a grid to `out`, SERIES_WIDTH values a series, series s
 * from index s·SERIES_WIDTH.
 */
export function writeSeriesRange(write: SeriesFeatureWriter, grid: SeriesGrid, from: number, to: number, out: Float32Array): void {
  for (let s = from; s < to; s++) write(grid.x, grid.p, s * GRID_DAYS, out, s * SERIES_WIDTH, 1);
}

/**
 * The rows of the feature matrix of one origin, produced on request: the pairs' own series features are computed
 * row by row; the item and store-class levels' features, computed once per series of the level (see LEVELS and
 * feature-threads.ts), are copied into the rows of their pairs. Rows can be filled in batches, so a writer never
 * needs the whole matrix at once.
 */
export class FeatureRows {
  readonly rows: number;
  readonly width = FEATURE_NAMES.length;
  private readonly writeSeries = compileSeriesFeatures();

  /**
   * @param pairs the day grid of the pairs, series `sid`
   * @param attributes rows × ATTRIBUTES.length, NaN where a value has no code
   * @param levels the coarser levels' features, in LEVELS order
   */
  constructor(
    readonly keys: PairKeys,
    readonly pairs: SeriesGrid,
    readonly attributes: Float32Array,
    readonly levels: readonly LevelFeatures[],
  ) {
    this.rows = keys.storeNbr.length;
  }

  /** Writes rows first … first+count−1 to `values` from index 0: row-major, `width` values a row. */
  fill(first: number, count: number, values: Float32Array): void {
    this.write(first, count, values, this.width, 1);
  }

  /** Writes rows first … first+count−1 to `values` from index 0: column-major, `count` values a column. */
  fillColumns(first: number, count: number, values: Float32Array): void {
    this.write(first, count, values, 1, count);
  }

  /** Row r's value of column c goes to values[r·rowStep + c·columnStep]. */
  private write(first: number, count: number, values: Float32Array, rowStep: number, columnStep: number): void {
    const { attributes } = this;
    const seriesWidth = SERIES_WIDTH;
    const attributeCount = ATTRIBUTES.length;
    for (let r = 0; r < count; r++) {
      const sid = first + r;
      const at = r * rowStep;
      this.writeSeries(this.pairs.x, this.pairs.p, sid * GRID_DAYS, values, at, columnStep);
      for (let l = 0; l < this.levels.length; l++) {
        const { features, rowOf } = this.levels[l];
        const from = rowOf[sid] * seriesWidth;
        const to = at + (l + 1) * seriesWidth * columnStep;
        if (columnStep === 1) values.set(features.subarray(from, from + seriesWidth), to);
        else for (let k = 0; k < seriesWidth; k++) values[to + k * columnStep] = features[from + k];
      }
      const to = at + LEVELS.length * seriesWidth * columnStep;
      for (let a = 0; a < attributeCount; a++) values[to + a * columnStep] = attributes[sid * attributeCount + a];
    }
  }

  /**
   * Writes the labels y_h = x[t+h] (rows × 16, row-major) and the weights of rows first … first+count−1 from
   * index 0. The labels are the day grid's values on and after the origin, which no feature reads.
   */
  fillLabels(first: number, count: number, labels: Float32Array, weight: Float32Array): void {
    const perishable = ATTRIBUTES.indexOf('perishable');
    for (let r = 0; r < count; r++) {
      const sid = first + r;
      for (let h = 0; h < HORIZON_DAYS; h++) labels[r * HORIZON_DAYS + h] = this.pairs.x[this.pairs.at(sid, h)];
      weight[r] = this.attributes[sid * ATTRIBUTES.length + perishable] === 1 ? PERISHABLE_WEIGHT : 1;
    }
  }
}

const KEY_COLUMN: Readonly<Record<Level['keys'][number], keyof PairKeys>> = { store_nbr: 'storeNbr', item_nbr: 'itemNbr', class: 'classNbr' };

/** Each pair's key at a level as one number: one key as it is, two packed into the high and low 32 bits. */
function levelKeys(keys: PairKeys, columns: Level['keys']): Float64Array {
  if (columns.length < 1 || columns.length > 2) throw new RangeError(`a level needs one or two key columns, not ${columns.length}`);
  const [high, low] = columns.map((c) => keys[KEY_COLUMN[c]]);
  const out = new Float64Array(high.length);
  for (let s = 0; s < out.length; s++) out[s] = low ? high[s] * 2 ** 32 + (low[s] >>> 0) : high[s];
  return out;
}
