import { TrainingError } from '../../core/errors.js';

/** One LightGBM parameter value; lists are written comma-separated. */
export type LightGbmParamValue = string | number | boolean | readonly (string | number)[];

/**
 * LightGBM parameters by their canonical names (https://lightgbm.readthedocs.io/en/stable/Parameters.html).
 * The commonly used ones are typed; any other documented parameter can be given by name. `undefined` means
 * "leave LightGBM's default".
 */
export interface LightGbmParams {
  objective?: string;
  boosting?: 'gbdt' | 'rf' | 'dart';
  metric?: string | readonly string[];
  num_iterations?: number;
  learning_rate?: number;
  num_leaves?: number;
  max_depth?: number;
  min_data_in_leaf?: number;
  min_sum_hessian_in_leaf?: number;
  min_gain_to_split?: number;
  lambda_l1?: number;
  lambda_l2?: number;
  bagging_fraction?: number;
  bagging_freq?: number;
  bagging_seed?: number;
  feature_fraction?: number;
  feature_fraction_seed?: number;
  /** Master seed; LightGBM derives the other seeds from it unless they are set. */
  seed?: number;
  /** With `force_row_wise` or `force_col_wise` and a fixed thread count, makes training reproducible. */
  deterministic?: boolean;
  force_row_wise?: boolean;
  force_col_wise?: boolean;
  /** OpenMP threads for training and prediction; 0 means OpenMP's default. */
  num_threads?: number;
  max_bin?: number;
  min_data_in_bin?: number;
  bin_construct_sample_cnt?: number;
  data_random_seed?: number;
  use_missing?: boolean;
  zero_as_missing?: boolean;
  feature_pre_filter?: boolean;
  /** Column indices (or `name:` list) of categorical features. */
  categorical_feature?: string | readonly number[];
  /** -1 silences LightGBM's own console output. */
  verbosity?: number;
  [name: string]: LightGbmParamValue | undefined;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// LightGBM splits the parameter string on whitespace and each pair on '=' (Config::Str2Map).
const UNSAFE_VALUE = /[\s=]/;

/** Serialises parameters to LightGBM's `key1=value1 key2=value2` form, skipping undefined values. */
export function formatParams(params: LightGbmParams): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (!NAME.test(name)) throw new TrainingError(`invalid LightGBM parameter name "${name}"`);
    const items = (Array.isArray(value) ? value : [value]) as readonly (string | number | boolean)[];
    pairs.push(`${name}=${items.map((item) => formatValue(name, item)).join(',')}`);
  }
  return pairs.join(' ');
}

function formatValue(name: string, value: string | number | boolean): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TrainingError(`LightGBM parameter ${name}: ${value} is not a finite number`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === '' || UNSAFE_VALUE.test(value)) {
    throw new TrainingError(`LightGBM parameter ${name}: "${value}" cannot be passed (empty, or holds whitespace or '=')`);
  }
  return value;
}
