import { describe, expect, it } from 'vitest';
import { TrainingError } from '../../../core/errors.js';
import { formatParams } from '../../../training/lightgbm/index.js';

describe('formatParams', () => {
  it('writes key=value pairs in insertion order, lists comma-separated, booleans lower-case', () => {
    expect(
      formatParams({
        objective: 'regression',
        metric: ['l2', 'l1'],
        learning_rate: 0.05,
        num_leaves: 80,
        deterministic: true,
        force_col_wise: false,
        categorical_feature: [0, 3, 7],
        lambda_l2: 1e-7,
      }),
    ).toBe(
      'objective=regression metric=l2,l1 learning_rate=0.05 num_leaves=80 deterministic=true force_col_wise=false ' +
        'categorical_feature=0,3,7 lambda_l2=1e-7',
    );
  });

  it('skips undefined values and gives an empty string for no parameters', () => {
    expect(formatParams({ seed: undefined, num_threads: 2 })).toBe('num_threads=2');
    expect(formatParams({})).toBe('');
  });

  it('keeps commas inside a single string value (LightGBM reads lists that way)', () => {
    expect(formatParams({ categorical_feature: 'name:family,class' })).toBe('categorical_feature=name:family,class');
  });

  it('rejects values the key=value format cannot carry, naming the parameter', () => {
    expect(() => formatParams({ objective: 'quantile regression' })).toThrowError(
      new TrainingError('LightGBM parameter objective: "quantile regression" cannot be passed (empty, or holds whitespace or \'=\')'),
    );
    expect(() => formatParams({ metric: '' })).toThrow(TrainingError);
    expect(() => formatParams({ alpha: 'a=b' })).toThrow(TrainingError);
    expect(() => formatParams({ learning_rate: Number.NaN })).toThrowError(
      'LightGBM parameter learning_rate: NaN is not a finite number',
    );
    expect(() => formatParams({ 'num leaves': 3 })).toThrowError('invalid LightGBM parameter name "num leaves"');
  });
});
