import { TrainingError } from '../../core/errors.js';
import {
  C_API_DTYPE_FLOAT32,
  C_API_FEATURE_IMPORTANCE_GAIN,
  C_API_FEATURE_IMPORTANCE_SPLIT,
  C_API_IS_ROW_MAJOR,
  C_API_PREDICT_NORMAL,
  C_API_PREDICT_RAW_SCORE,
  type BoosterHandle,
  type HandleOut,
  type LightGbmCApi,
} from './c-api.js';
import { borrowHandle, returnHandle, type Dataset } from './dataset.js';
import { cApi, checkCall, type LightGbmLibrary } from './library.js';
import { checkMatrix, type Matrix } from './matrix.js';
import { formatParams, type LightGbmParams } from './params.js';

/** A validation dataset and the name its metrics are reported under. */
export interface NamedDataset {
  name: string;
  dataset: Dataset;
}

/** What a booster trains on. */
export interface BoosterOptions {
  /** Booster parameters; merged over the training dataset's parameters, which they must not contradict. */
  params: LightGbmParams;
  train: Dataset;
  /** Validation sets, each built with `reference: train`. */
  valid?: readonly NamedDataset[];
}

/** One metric on one dataset after the current iteration. */
export interface EvalResult {
  /** "training" or the validation set's name. */
  dataset: string;
  /** LightGBM's metric name, e.g. "l2", "ndcg@5". */
  metric: string;
  value: number;
  /** Whether a larger value is better (auc, ndcg@k, map@k, average_precision), as LightGBM's Python package decides. */
  higherIsBetter: boolean;
}

/**
 * Which iterations a save, dump or prediction uses: `numIteration` of them (≤ 0 or absent: all) from
 * `startIteration` (default 0).
 */
export interface IterationRange {
  startIteration?: number;
  numIteration?: number;
}

/** Feature importance by split count or by total gain. */
export type ImportanceType = 'split' | 'gain';

/** Options of `saveModelToString` and `dumpModel`. */
export interface ModelTextOptions extends IterationRange {
  /** Importance written into the model's feature_importances section; 'split' by default. */
  importanceType?: ImportanceType;
}

/** Options of `predict`. */
export interface PredictOptions extends IterationRange {
  /** Skip the objective's output transform (e.g. the sigmoid of `binary`). */
  rawScore?: boolean;
  /** Prediction parameters, e.g. `{ num_threads: 2 }`. */
  params?: LightGbmParams;
}

/** Name LightGBM's Python package gives the training data in evaluation results. */
export const TRAINING_DATA_NAME = 'training';

const FIRST_TEXT_BUFFER = 1 << 20;
const EVAL_NAME_BUFFER = 128;

/**
 * A LightGBM booster owning its native handle: trains one iteration at a time, evaluates, predicts, saves and
 * loads models. Call `dispose()` when done; every later call throws a TrainingError.
 */
export class Booster {
  /** The library the booster lives in. */
  readonly library: LightGbmLibrary;
  readonly #handle: BoosterHandle;
  #disposed = false;
  readonly #datasets: Dataset[] = [];
  readonly #validNames: string[] = [];
  #evalNames: readonly string[] | undefined;

  private constructor(library: LightGbmLibrary, handle: BoosterHandle) {
    this.library = library;
    this.#handle = handle;
  }

  /**
   * Creates a booster on a training dataset (and validation sets). The effective parameters are the training
   * dataset's parameters overridden by `params`; LightGBM rejects overrides that would need re-binning.
   */
  static create(options: BoosterOptions): Booster {
    const { train } = options;
    const library = train.library;
    const api = library[cApi];
    const datasetParams = formatParams(train.params);
    const boosterParams = formatParams({ ...train.params, ...options.params });
    checkCall(
      library,
      api.LGBM_DatasetUpdateParamChecking(datasetParams, boosterParams),
      'LGBM_DatasetUpdateParamChecking',
      'checking booster parameters against the training dataset',
    );
    const trainHandle = train[borrowHandle]();
    let booster: Booster;
    try {
      const out: HandleOut<BoosterHandle> = [null];
      const rc = api.LGBM_BoosterCreate(trainHandle, boosterParams, out);
      checkCall(library, rc, 'LGBM_BoosterCreate', 'creating a booster');
      booster = new Booster(library, out[0] as BoosterHandle);
    } catch (err) {
      train[returnHandle]();
      throw err;
    }
    booster.#datasets.push(train);
    let complete = false;
    try {
      for (const valid of options.valid ?? []) booster.addValid(valid);
      complete = true;
      return booster;
    } finally {
      if (!complete) booster.dispose();
    }
  }

  /** Loads a model from LightGBM's text format (as written by `saveModelToString` or the Python package). */
  static fromModelString(library: LightGbmLibrary, model: string): Booster {
    const api = library[cApi];
    const out: HandleOut<BoosterHandle> = [null];
    const rc = api.LGBM_BoosterLoadModelFromString(model, new Int32Array(1), out);
    checkCall(library, rc, 'LGBM_BoosterLoadModelFromString', 'loading a model from a string');
    return new Booster(library, out[0] as BoosterHandle);
  }

  /** Loads a model from a LightGBM model file. */
  static fromModelFile(library: LightGbmLibrary, path: string): Booster {
    const api = library[cApi];
    const out: HandleOut<BoosterHandle> = [null];
    const rc = api.LGBM_BoosterCreateFromModelfile(path, new Int32Array(1), out);
    checkCall(library, rc, 'LGBM_BoosterCreateFromModelfile', `loading the model file ${path}`);
    return new Booster(library, out[0] as BoosterHandle);
  }

  /** Adds a validation set (built with `reference` = the training dataset); evaluated after every iteration. */
  addValid(valid: NamedDataset): void {
    const handle = this.#trainable('add a validation set');
    if (valid.dataset.library !== this.library) {
      throw new TrainingError(`validation set "${valid.name}" belongs to another LightGBM library`);
    }
    if (valid.name === TRAINING_DATA_NAME || this.#validNames.includes(valid.name)) {
      throw new TrainingError(`validation set name "${valid.name}" is reserved or already used`);
    }
    if (this.#datasets[0] === valid.dataset) {
      throw new TrainingError('the training dataset cannot be a validation set; use evalTrain()');
    }
    const validHandle = valid.dataset[borrowHandle]();
    try {
      const rc = this.#api.LGBM_BoosterAddValidData(handle, validHandle);
      this.#check(rc, 'LGBM_BoosterAddValidData', `adding validation set "${valid.name}"`);
    } catch (err) {
      valid.dataset[returnHandle]();
      throw err;
    }
    this.#datasets.push(valid.dataset);
    this.#validNames.push(valid.name);
  }

  /** Trains one more iteration; returns true when no tree could be grown (LightGBM then adds nothing). */
  updateOneIter(): boolean {
    const finished = new Int32Array(1);
    const handle = this.#trainable('train');
    this.#check(this.#api.LGBM_BoosterUpdateOneIter(handle, finished), 'LGBM_BoosterUpdateOneIter', 'training');
    return finished[0] === 1;
  }

  /** Removes the last iteration's trees (and their contribution to the training and validation scores). */
  rollbackOneIter(): void {
    this.#check(
      this.#api.LGBM_BoosterRollbackOneIter(this.#trainable('roll back an iteration')),
      'LGBM_BoosterRollbackOneIter',
      'rolling back an iteration',
    );
  }

  /** Number of iterations the model holds. */
  get currentIteration(): number {
    const out = new Int32Array(1);
    this.#check(
      this.#api.LGBM_BoosterGetCurrentIteration(this.#live(), out),
      'LGBM_BoosterGetCurrentIteration',
      'reading the iteration count',
    );
    return out[0];
  }

  /** Number of features the model expects. */
  get numFeature(): number {
    const out = new Int32Array(1);
    this.#check(
      this.#api.LGBM_BoosterGetNumFeature(this.#live(), out),
      'LGBM_BoosterGetNumFeature',
      'reading the feature count',
    );
    return out[0];
  }

  /** Names of the validation sets, in the order they were added. */
  get validNames(): readonly string[] {
    return [...this.#validNames];
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Metric names, in LightGBM's order (the order of every evaluation result). */
  evalNames(): readonly string[] {
    const handle = this.#live();
    if (this.#evalNames !== undefined) return this.#evalNames;
    const count = new Int32Array(1);
    this.#check(this.#api.LGBM_BoosterGetEvalCounts(handle, count), 'LGBM_BoosterGetEvalCounts', 'counting metrics');
    let bufferLen = EVAL_NAME_BUFFER;
    for (;;) {
      const buffers = Array.from({ length: count[0] }, () => Buffer.alloc(bufferLen));
      const outLen = new Int32Array(1);
      const needed = new BigUint64Array(1);
      const rc = this.#api.LGBM_BoosterGetEvalNames(handle, count[0], outLen, bufferLen, needed, buffers);
      this.#check(rc, 'LGBM_BoosterGetEvalNames', 'reading metric names');
      if (Number(needed[0]) > bufferLen) {
        bufferLen = Number(needed[0]);
        continue;
      }
      this.#evalNames = Object.freeze(buffers.slice(0, outLen[0]).map(cString));
      return this.#evalNames;
    }
  }

  /** Metrics on the training data, named "training". */
  evalTrain(): EvalResult[] {
    return this.#eval(0, TRAINING_DATA_NAME);
  }

  /** Metrics on every validation set, set by set in the order they were added, metric by metric. */
  evalValid(): EvalResult[] {
    return this.#validNames.flatMap((name, i) => this.#eval(i + 1, name));
  }

  /** Predicts a row-major float32 matrix; one value per row and class, as doubles. */
  predict(matrix: Matrix, options: PredictOptions = {}): Float64Array {
    const handle = this.#live();
    checkMatrix(matrix, 'Booster.predict');
    const predictType = options.rawScore ? C_API_PREDICT_RAW_SCORE : C_API_PREDICT_NORMAL;
    const start = options.startIteration ?? 0;
    const num = options.numIteration ?? -1;
    const expected = new BigInt64Array(1);
    this.#check(
      this.#api.LGBM_BoosterCalcNumPredict(handle, matrix.nRows, predictType, start, num, expected),
      'LGBM_BoosterCalcNumPredict',
      'sizing the prediction',
    );
    const result = new Float64Array(Number(expected[0]));
    const outLen = new BigInt64Array(1);
    const rc = this.#api.LGBM_BoosterPredictForMat(
      handle,
      matrix.data,
      C_API_DTYPE_FLOAT32,
      matrix.nRows,
      matrix.nCols,
      C_API_IS_ROW_MAJOR,
      predictType,
      start,
      num,
      formatParams(options.params ?? {}),
      outLen,
      result,
    );
    this.#check(rc, 'LGBM_BoosterPredictForMat', 'predicting');
    if (outLen[0] !== expected[0]) {
      throw new TrainingError(`LightGBM wrote ${outLen[0]} predictions, expected ${expected[0]}`);
    }
    return result;
  }

  /** The model in LightGBM's text format (what model files hold). */
  saveModelToString(options: ModelTextOptions = {}): string {
    return this.#readText('LGBM_BoosterSaveModelToString', 'saving the model', options);
  }

  /** The model as LightGBM's JSON dump, as text. */
  dumpModel(options: ModelTextOptions = {}): string {
    return this.#readText('LGBM_BoosterDumpModel', 'dumping the model', options);
  }

  /** Importance of each feature, by split count or total gain, over the first `numIteration` iterations. */
  featureImportance(options: { numIteration?: number; importanceType?: ImportanceType } = {}): Float64Array {
    const handle = this.#live();
    const result = new Float64Array(this.numFeature);
    const rc = this.#api.LGBM_BoosterFeatureImportance(
      handle,
      options.numIteration ?? -1,
      importanceCode(options.importanceType),
      result,
    );
    this.#check(rc, 'LGBM_BoosterFeatureImportance', 'computing feature importance');
    return result;
  }

  /** Frees the native booster and gives back its datasets; later calls are no-ops. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      this.#check(this.#api.LGBM_BoosterFree(this.#handle), 'LGBM_BoosterFree', 'freeing a booster');
    } finally {
      for (const dataset of this.#datasets.splice(0)) dataset[returnHandle]();
    }
  }

  /** Same as `dispose()`, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #eval(dataIdx: number, name: string): EvalResult[] {
    const handle = this.#live();
    const metrics = this.evalNames();
    const values = new Float64Array(metrics.length);
    const outLen = new Int32Array(1);
    this.#check(
      this.#api.LGBM_BoosterGetEval(handle, dataIdx, outLen, values),
      'LGBM_BoosterGetEval',
      `evaluating "${name}"`,
    );
    return Array.from({ length: outLen[0] }, (_, i) => ({
      dataset: name,
      metric: metrics[i],
      value: values[i],
      higherIsBetter: isHigherBetter(metrics[i]),
    }));
  }

  #readText(
    fn: 'LGBM_BoosterSaveModelToString' | 'LGBM_BoosterDumpModel',
    what: string,
    options: ModelTextOptions,
  ): string {
    const handle = this.#live();
    const start = options.startIteration ?? 0;
    const num = options.numIteration ?? -1;
    const importance = importanceCode(options.importanceType);
    let buffer = Buffer.allocUnsafe(FIRST_TEXT_BUFFER);
    const outLen = new BigInt64Array(1);
    this.#check(this.#api[fn](handle, start, num, importance, buffer.length, outLen, buffer), fn, what);
    // out_len counts the terminating NUL; a second call with a buffer that large when the first was short.
    if (Number(outLen[0]) > buffer.length) {
      buffer = Buffer.allocUnsafe(Number(outLen[0]));
      this.#check(this.#api[fn](handle, start, num, importance, buffer.length, outLen, buffer), fn, what);
    }
    return buffer.toString('utf8', 0, Number(outLen[0]) - 1);
  }

  #live(): BoosterHandle {
    if (this.#disposed) throw new TrainingError('this LightGBM Booster has been disposed');
    return this.#handle;
  }

  /** The handle, for operations that need training data: LightGBM crashes on them for a loaded model. */
  #trainable(action: string): BoosterHandle {
    const handle = this.#live();
    if (this.#datasets.length === 0) {
      throw new TrainingError(`cannot ${action}: this Booster was loaded from a model and has no training data`);
    }
    return handle;
  }

  get #api(): LightGbmCApi {
    return this.library[cApi];
  }

  #check(rc: number, fn: keyof LightGbmCApi, what: string): void {
    checkCall(this.library, rc, fn, what);
  }
}

function importanceCode(type: ImportanceType | undefined): number {
  return type === 'gain' ? C_API_FEATURE_IMPORTANCE_GAIN : C_API_FEATURE_IMPORTANCE_SPLIT;
}

/** Same rule as LightGBM's Python package: these metric families are maximised. */
function isHigherBetter(metric: string): boolean {
  return ['auc', 'ndcg@', 'map@', 'average_precision'].some((prefix) => metric.startsWith(prefix));
}

function cString(buffer: Buffer): string {
  const end = buffer.indexOf(0);
  return buffer.toString('utf8', 0, end === -1 ? buffer.length : end);
}
