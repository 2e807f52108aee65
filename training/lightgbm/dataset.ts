import { TrainingError } from '../../core/errors.js';
import {
  C_API_DTYPE_FLOAT32,
  C_API_IS_ROW_MAJOR,
  type DatasetHandle,
  type HandleOut,
} from './c-api.js';
import { cApi, checkCall, type LightGbmLibrary } from './library.js';
import { checkMatrix, checkRowVector, type Matrix } from './matrix.js';
import { formatParams, type LightGbmParams } from './params.js';

/** A matrix plus what LightGBM needs to bin and learn from it. */
export interface DatasetOptions extends Matrix {
  /** One label per row. */
  labels?: Float32Array;
  /** One non-negative weight per row. */
  weights?: Float32Array;
  /** One name per column; LightGBM calls them Column_0… otherwise. */
  featureNames?: readonly string[];
  /**
   * Dataset parameters (binning: max_bin, min_data_in_bin, categorical_feature, …). Give the booster's
   * parameters here too, as LightGBM's Python package does: the booster must not contradict them.
   */
  params?: LightGbmParams;
  /** For a validation set: the training dataset whose bin boundaries this one must share. */
  reference?: Dataset;
}

/** Key of the method by which a Booster borrows a dataset's native handle (not re-exported). */
export const borrowHandle = Symbol('lightgbm.dataset.borrow');
/** Key of the method by which a Booster gives a borrowed handle back (not re-exported). */
export const returnHandle = Symbol('lightgbm.dataset.return');

/**
 * A LightGBM dataset (binned features, labels, weights) owning its native handle. `dispose()` releases it;
 * when a live Booster still trains on it, the native memory is freed once that booster is disposed.
 */
export class Dataset {
  /** The library the dataset lives in. */
  readonly library: LightGbmLibrary;
  /** The parameters it was binned with (frozen). */
  readonly params: Readonly<LightGbmParams>;
  readonly #handle: DatasetHandle;
  #borrowers = 0;
  #disposed = false;
  #freed = false;

  private constructor(library: LightGbmLibrary, handle: DatasetHandle, params: Readonly<LightGbmParams>) {
    this.library = library;
    this.#handle = handle;
    this.params = params;
  }

  /** Builds a dataset from a row-major float32 matrix, read in place by LightGBM (NaN = missing). */
  static fromMatrix(library: LightGbmLibrary, options: DatasetOptions): Dataset {
    checkMatrix(options, 'Dataset.fromMatrix');
    const { data, nRows, nCols, labels, weights, featureNames, reference } = options;
    if (labels !== undefined) checkRowVector(labels, nRows, 'Dataset.fromMatrix: labels');
    if (weights !== undefined) checkRowVector(weights, nRows, 'Dataset.fromMatrix: weights');
    if (featureNames !== undefined && featureNames.length !== nCols) {
      throw new TrainingError(`Dataset.fromMatrix: ${featureNames.length} feature names for ${nCols} columns`);
    }
    if (reference !== undefined && reference.library !== library) {
      throw new TrainingError('Dataset.fromMatrix: the reference dataset belongs to another LightGBM library');
    }
    const params = Object.freeze({ ...(options.params ?? {}) });
    const api = library[cApi];
    const out: HandleOut<DatasetHandle> = [null];
    const rc = api.LGBM_DatasetCreateFromMat(
      data,
      C_API_DTYPE_FLOAT32,
      nRows,
      nCols,
      C_API_IS_ROW_MAJOR,
      formatParams(params),
      reference === undefined ? null : reference.#live(),
      out,
    );
    checkCall(library, rc, 'LGBM_DatasetCreateFromMat', 'creating a dataset');
    const dataset = new Dataset(library, out[0] as DatasetHandle, params);
    let complete = false;
    try {
      if (labels !== undefined) dataset.setLabels(labels);
      if (weights !== undefined) dataset.setWeights(weights);
      if (featureNames !== undefined) dataset.#setFeatureNames(featureNames);
      complete = true;
      return dataset;
    } finally {
      // The first error is the one to report; the native memory goes either way.
      if (!complete) api.LGBM_DatasetFree(dataset.#handle);
    }
  }

  /** Number of rows. */
  get numData(): number {
    const out = new Int32Array(1);
    this.#check(this.#api.LGBM_DatasetGetNumData(this.#live(), out), 'LGBM_DatasetGetNumData', 'reading the row count');
    return out[0];
  }

  /** Number of columns (features). */
  get numFeature(): number {
    const out = new Int32Array(1);
    this.#check(
      this.#api.LGBM_DatasetGetNumFeature(this.#live(), out),
      'LGBM_DatasetGetNumFeature',
      'reading the feature count',
    );
    return out[0];
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Sets the labels (one per row); not allowed while a booster trains on the dataset. */
  setLabels(labels: Float32Array): void {
    this.#setFloatField('label', labels);
  }

  /** Sets the row weights (one per row); not allowed while a booster trains on the dataset. */
  setWeights(weights: Float32Array): void {
    this.#setFloatField('weight', weights);
  }

  /** Releases the native dataset (deferred while a booster still uses it); later calls are no-ops. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#borrowers === 0) this.#free();
  }

  /** Same as `dispose()`, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** For Booster: the live handle, counted as in use until `[returnHandle]()`. */
  [borrowHandle](): DatasetHandle {
    const handle = this.#live();
    this.#borrowers += 1;
    return handle;
  }

  /** For Booster: ends one borrow; frees the native dataset if it was disposed meanwhile. */
  [returnHandle](): void {
    this.#borrowers -= 1;
    if (this.#disposed && this.#borrowers === 0) this.#free();
  }

  #setFloatField(field: 'label' | 'weight', values: Float32Array): void {
    const handle = this.#live();
    if (this.#borrowers > 0) {
      throw new TrainingError(`cannot set the ${field}s of a dataset a booster trains on; set them before creating it`);
    }
    const nRows = this.numData;
    checkRowVector(values, nRows, `${field}s`);
    const rc = this.#api.LGBM_DatasetSetField(handle, field, values, values.length, C_API_DTYPE_FLOAT32);
    this.#check(rc, 'LGBM_DatasetSetField', `setting the dataset's ${field}s`);
  }

  #setFeatureNames(names: readonly string[]): void {
    const rc = this.#api.LGBM_DatasetSetFeatureNames(this.#live(), names, names.length);
    this.#check(rc, 'LGBM_DatasetSetFeatureNames', 'setting feature names');
  }

  #free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#check(this.#api.LGBM_DatasetFree(this.#handle), 'LGBM_DatasetFree', 'freeing a dataset');
  }

  #live(): DatasetHandle {
    if (this.#disposed) throw new TrainingError('this LightGBM Dataset has been disposed');
    return this.#handle;
  }

  get #api() {
    return this.library[cApi];
  }

  #check(rc: number, fn: Parameters<typeof checkCall>[2], what: string): void {
    checkCall(this.library, rc, fn, what);
  }
}
