/**
 * Raw koffi signatures for the part of LightGBM's C API (include/LightGBM/c_api.h, v4) that shelfcast uses.
 * Names, argument order and C types follow the header exactly; nothing here checks return codes or owns
 * memory. The idiomatic layer (`Dataset`, `Booster`) is built on top of this.
 */
import koffi from 'koffi';

/** Opaque `DatasetHandle` (a `void*` in c_api.h) as koffi hands it to JavaScript. */
export type DatasetHandle = { readonly __lgbmHandle: 'Dataset' };
/** Opaque `BoosterHandle` (a `void*` in c_api.h) as koffi hands it to JavaScript. */
export type BoosterHandle = { readonly __lgbmHandle: 'Booster' };

/** Single-slot array that koffi fills for a `Handle* out` parameter. */
export type HandleOut<H> = [H | null];

/** `C_API_DTYPE_FLOAT32`: data is float (32-bit). */
export const C_API_DTYPE_FLOAT32 = 0;
/** `C_API_DTYPE_FLOAT64`: data is double. */
export const C_API_DTYPE_FLOAT64 = 1;
/** `C_API_DTYPE_INT32`: data is int32_t. */
export const C_API_DTYPE_INT32 = 2;
/** `C_API_DTYPE_INT64`: data is int64_t. */
export const C_API_DTYPE_INT64 = 3;

/** `C_API_PREDICT_NORMAL`: prediction with the objective's transform. */
export const C_API_PREDICT_NORMAL = 0;
/** `C_API_PREDICT_RAW_SCORE`: raw score, no transform. */
export const C_API_PREDICT_RAW_SCORE = 1;
/** `C_API_PREDICT_LEAF_INDEX`: leaf index per tree. */
export const C_API_PREDICT_LEAF_INDEX = 2;
/** `C_API_PREDICT_CONTRIB`: SHAP feature contributions. */
export const C_API_PREDICT_CONTRIB = 3;

/** `C_API_FEATURE_IMPORTANCE_SPLIT`: how often a feature is split on. */
export const C_API_FEATURE_IMPORTANCE_SPLIT = 0;
/** `C_API_FEATURE_IMPORTANCE_GAIN`: total gain of a feature's splits. */
export const C_API_FEATURE_IMPORTANCE_GAIN = 1;

/** `is_row_major` argument of the matrix functions: 1 for row-major. */
export const C_API_IS_ROW_MAJOR = 1;

/**
 * The C functions, typed for TypeScript. Output scalars are passed as one-element typed arrays (koffi writes
 * into their memory in place); output handles as one-element JS arrays.
 */
export interface LightGbmCApi {
  LGBM_GetLastError(): string;
  LGBM_DatasetCreateFromMat(
    data: Float32Array | Float64Array,
    data_type: number,
    nrow: number,
    ncol: number,
    is_row_major: number,
    parameters: string,
    reference: DatasetHandle | null,
    out: HandleOut<DatasetHandle>,
  ): number;
  LGBM_DatasetSetField(
    handle: DatasetHandle,
    field_name: string,
    field_data: Float32Array | Float64Array | Int32Array,
    num_element: number,
    type: number,
  ): number;
  LGBM_DatasetSetFeatureNames(handle: DatasetHandle, feature_names: readonly string[], num_feature_names: number): number;
  LGBM_DatasetGetNumData(handle: DatasetHandle, out: Int32Array): number;
  LGBM_DatasetGetNumFeature(handle: DatasetHandle, out: Int32Array): number;
  LGBM_DatasetUpdateParamChecking(old_parameters: string, new_parameters: string): number;
  LGBM_DatasetFree(handle: DatasetHandle): number;

  LGBM_BoosterCreate(train_data: DatasetHandle, parameters: string, out: HandleOut<BoosterHandle>): number;
  LGBM_BoosterCreateFromModelfile(filename: string, out_num_iterations: Int32Array, out: HandleOut<BoosterHandle>): number;
  LGBM_BoosterLoadModelFromString(model_str: string, out_num_iterations: Int32Array, out: HandleOut<BoosterHandle>): number;
  LGBM_BoosterFree(handle: BoosterHandle): number;
  LGBM_BoosterAddValidData(handle: BoosterHandle, valid_data: DatasetHandle): number;
  LGBM_BoosterUpdateOneIter(handle: BoosterHandle, is_finished: Int32Array): number;
  LGBM_BoosterRollbackOneIter(handle: BoosterHandle): number;
  LGBM_BoosterGetCurrentIteration(handle: BoosterHandle, out_iteration: Int32Array): number;
  LGBM_BoosterGetEvalCounts(handle: BoosterHandle, out_len: Int32Array): number;
  LGBM_BoosterGetEvalNames(
    handle: BoosterHandle,
    len: number,
    out_len: Int32Array,
    buffer_len: number,
    out_buffer_len: BigUint64Array,
    out_strs: Buffer[],
  ): number;
  LGBM_BoosterGetEval(handle: BoosterHandle, data_idx: number, out_len: Int32Array, out_results: Float64Array): number;
  LGBM_BoosterGetNumFeature(handle: BoosterHandle, out_len: Int32Array): number;
  LGBM_BoosterCalcNumPredict(
    handle: BoosterHandle,
    num_row: number,
    predict_type: number,
    start_iteration: number,
    num_iteration: number,
    out_len: BigInt64Array,
  ): number;
  LGBM_BoosterPredictForMat(
    handle: BoosterHandle,
    data: Float32Array | Float64Array,
    data_type: number,
    nrow: number,
    ncol: number,
    is_row_major: number,
    predict_type: number,
    start_iteration: number,
    num_iteration: number,
    parameter: string,
    out_len: BigInt64Array,
    out_result: Float64Array,
  ): number;
  LGBM_BoosterSaveModelToString(
    handle: BoosterHandle,
    start_iteration: number,
    num_iteration: number,
    feature_importance_type: number,
    buffer_len: number,
    out_len: BigInt64Array,
    out_str: Buffer,
  ): number;
  LGBM_BoosterDumpModel(
    handle: BoosterHandle,
    start_iteration: number,
    num_iteration: number,
    feature_importance_type: number,
    buffer_len: number,
    out_len: BigInt64Array,
    out_str: Buffer,
  ): number;
  LGBM_BoosterFeatureImportance(
    handle: BoosterHandle,
    num_iteration: number,
    importance_type: number,
    out_results: Float64Array,
  ): number;
}

/** The prototypes, written as in c_api.h (koffi parses them); handle typedefs are registered below. */
const PROTOTYPES: { [K in keyof LightGbmCApi]: string } = {
  LGBM_GetLastError: 'const char* LGBM_GetLastError()',
  LGBM_DatasetCreateFromMat:
    'int LGBM_DatasetCreateFromMat(const void* data, int data_type, int32_t nrow, int32_t ncol, int is_row_major, ' +
    'const char* parameters, const DatasetHandle reference, _Out_ DatasetHandle* out)',
  LGBM_DatasetSetField:
    'int LGBM_DatasetSetField(DatasetHandle handle, const char* field_name, const void* field_data, ' +
    'int num_element, int type)',
  LGBM_DatasetSetFeatureNames:
    'int LGBM_DatasetSetFeatureNames(DatasetHandle handle, const char** feature_names, int num_feature_names)',
  LGBM_DatasetGetNumData: 'int LGBM_DatasetGetNumData(DatasetHandle handle, _Out_ int* out)',
  LGBM_DatasetGetNumFeature: 'int LGBM_DatasetGetNumFeature(DatasetHandle handle, _Out_ int* out)',
  LGBM_DatasetUpdateParamChecking:
    'int LGBM_DatasetUpdateParamChecking(const char* old_parameters, const char* new_parameters)',
  LGBM_DatasetFree: 'int LGBM_DatasetFree(DatasetHandle handle)',

  LGBM_BoosterCreate:
    'int LGBM_BoosterCreate(const DatasetHandle train_data, const char* parameters, _Out_ BoosterHandle* out)',
  LGBM_BoosterCreateFromModelfile:
    'int LGBM_BoosterCreateFromModelfile(const char* filename, _Out_ int* out_num_iterations, _Out_ BoosterHandle* out)',
  LGBM_BoosterLoadModelFromString:
    'int LGBM_BoosterLoadModelFromString(const char* model_str, _Out_ int* out_num_iterations, _Out_ BoosterHandle* out)',
  LGBM_BoosterFree: 'int LGBM_BoosterFree(BoosterHandle handle)',
  LGBM_BoosterAddValidData: 'int LGBM_BoosterAddValidData(BoosterHandle handle, const DatasetHandle valid_data)',
  LGBM_BoosterUpdateOneIter: 'int LGBM_BoosterUpdateOneIter(BoosterHandle handle, _Out_ int* is_finished)',
  LGBM_BoosterRollbackOneIter: 'int LGBM_BoosterRollbackOneIter(BoosterHandle handle)',
  LGBM_BoosterGetCurrentIteration:
    'int LGBM_BoosterGetCurrentIteration(BoosterHandle handle, _Out_ int* out_iteration)',
  LGBM_BoosterGetEvalCounts: 'int LGBM_BoosterGetEvalCounts(BoosterHandle handle, _Out_ int* out_len)',
  // out_strs is an array of caller-allocated buffers: the pointer array is input, the buffers are written in place.
  LGBM_BoosterGetEvalNames:
    'int LGBM_BoosterGetEvalNames(BoosterHandle handle, const int len, _Out_ int* out_len, const size_t buffer_len, ' +
    '_Out_ size_t* out_buffer_len, char** out_strs)',
  LGBM_BoosterGetEval:
    'int LGBM_BoosterGetEval(BoosterHandle handle, int data_idx, _Out_ int* out_len, _Out_ double* out_results)',
  LGBM_BoosterGetNumFeature: 'int LGBM_BoosterGetNumFeature(BoosterHandle handle, _Out_ int* out_len)',
  LGBM_BoosterCalcNumPredict:
    'int LGBM_BoosterCalcNumPredict(BoosterHandle handle, int num_row, int predict_type, int start_iteration, ' +
    'int num_iteration, _Out_ int64_t* out_len)',
  LGBM_BoosterPredictForMat:
    'int LGBM_BoosterPredictForMat(BoosterHandle handle, const void* data, int data_type, int32_t nrow, int32_t ncol, ' +
    'int is_row_major, int predict_type, int start_iteration, int num_iteration, const char* parameter, ' +
    '_Out_ int64_t* out_len, _Out_ double* out_result)',
  LGBM_BoosterSaveModelToString:
    'int LGBM_BoosterSaveModelToString(BoosterHandle handle, int start_iteration, int num_iteration, ' +
    'int feature_importance_type, int64_t buffer_len, _Out_ int64_t* out_len, _Out_ char* out_str)',
  LGBM_BoosterDumpModel:
    'int LGBM_BoosterDumpModel(BoosterHandle handle, int start_iteration, int num_iteration, ' +
    'int feature_importance_type, int64_t buffer_len, _Out_ int64_t* out_len, _Out_ char* out_str)',
  LGBM_BoosterFeatureImportance:
    'int LGBM_BoosterFeatureImportance(BoosterHandle handle, int num_iteration, int importance_type, ' +
    '_Out_ double* out_results)',
};

/**
 * koffi keeps named types in one registry per process, and a test runner may evaluate this module more than
 * once in the same process: reuse the typedef when it is already registered.
 */
function opaqueHandleType(name: string): void {
  try {
    koffi.resolve(name);
  } catch {
    koffi.pointer(name, koffi.opaque());
  }
}

/** Opens `lib_lightgbm.so` at `path` and declares every function above; throws koffi's error when loading fails. */
export function loadLightGbmCApi(path: string): LightGbmCApi {
  opaqueHandleType('DatasetHandle');
  opaqueHandleType('BoosterHandle');
  const lib = koffi.load(path);
  const api: Partial<Record<keyof LightGbmCApi, unknown>> = {};
  for (const name of Object.keys(PROTOTYPES) as (keyof LightGbmCApi)[]) {
    api[name] = lib.func(PROTOTYPES[name]);
  }
  return api as LightGbmCApi;
}
