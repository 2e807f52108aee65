import { describe, expect, it } from 'vitest';
import { TrackingInvalidRequestError } from '../../../core/errors.js';
import { MLFLOW_LIMITS } from '../../../core/mlflow/limits.js';
import { planLogBatch, type MetricInput } from '../../../core/mlflow/log-batch-plan.js';
import { assertAlias, assertEntityKey } from '../../../core/mlflow/validation.js';

const E = 'POST /api/2.0/mlflow/runs/log-batch';
const record = (n: number, prefix: string, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, value]));
const metrics = (n: number): MetricInput[] => Array.from({ length: n }, (_, i) => ({ key: `m${i % 7}`, value: i, step: i }));

describe('planLogBatch', () => {
  it('keeps every request within MLflow limits and loses or repeats nothing', () => {
    for (const [m, p, t] of [[2500, 250, 150], [0, 101, 0], [1000, 0, 0], [1001, 0, 0], [999, 1, 1], [0, 0, 100], [7, 0, 0], [0, 0, 0]]) {
      const plan = planLogBatch(E, 'run', { metrics: metrics(m), params: record(p, 'p'), tags: record(t, 't') }, 5);
      for (const r of plan) {
        expect(r.metrics.length).toBeLessThanOrEqual(MLFLOW_LIMITS.metricsPerBatch);
        expect(r.params.length).toBeLessThanOrEqual(MLFLOW_LIMITS.paramsPerBatch);
        expect(r.tags.length).toBeLessThanOrEqual(MLFLOW_LIMITS.tagsPerBatch);
        expect(r.metrics.length + r.params.length + r.tags.length).toBeLessThanOrEqual(MLFLOW_LIMITS.entitiesPerBatch);
        expect(r.run_id).toBe('run');
      }
      expect(plan.flatMap((r) => r.metrics.map((x) => x.value))).toEqual(Array.from({ length: m }, (_, i) => i));
      expect(plan.flatMap((r) => r.params.map((x) => x.key))).toEqual(Object.keys(record(p, 'p')));
      expect(plan.flatMap((r) => r.tags.map((x) => x.key))).toEqual(Object.keys(record(t, 't')));
      // As few requests as the count limits allow.
      expect(plan.length).toBe(Math.max(Math.ceil((m + p + t) / 1000), Math.ceil(p / 100), Math.ceil(t / 100), Math.ceil(m / 1000)));
    }
  });

  it('splits by size too, keeping each request body under 1 MB', () => {
    const plan = planLogBatch(E, 'run', { params: record(100, 'p', 'x'.repeat(6000)), tags: record(100, 't', 'é'.repeat(8000)) });
    expect(plan.length).toBeGreaterThan(1);
    for (const r of plan) expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThanOrEqual(MLFLOW_LIMITS.batchRequestBytes);
    expect(plan.flatMap((r) => r.params)).toHaveLength(100);
    expect(plan.flatMap((r) => r.tags)).toHaveLength(100);
  });

  it('fixes timestamps once and spells non-finite values as protobuf JSON does', () => {
    const [r] = planLogBatch(E, 'run', { metrics: [{ key: 'a', value: NaN }, { key: 'a', value: -Infinity, step: 2, timestamp: 9 }, { key: 'a', value: Infinity }] }, 1234);
    expect(r.metrics).toEqual([
      { key: 'a', value: 'NaN', timestamp: 1234, step: 0 },
      { key: 'a', value: '-Infinity', timestamp: 9, step: 2 },
      { key: 'a', value: 'Infinity', timestamp: 1234, step: 0 },
    ]);
  });

  it('refuses negative timestamps and values that are not numbers', () => {
    expect(() => planLogBatch(E, 'r', { metrics: [{ key: 'a', value: 1, timestamp: -1 }] })).toThrow(/metrics\[0\]\.timestamp -1: expected an integer >= 0/);
    expect(() => planLogBatch(E, 'r', { metrics: [{ key: 'a', value: null as unknown as number }] })).toThrow(/metrics\[0\]\.value null: expected a number/);
    expect(() => planLogBatch(E, 'r', { params: { a: 1 as unknown as string } })).toThrow(/params\["a"\] 1: expected a string/);
  });
});

describe('MLflow name rules', () => {
  it('accepts what MLflow accepts', () => {
    for (const key of ['loss', 'val/rmse', 'h 00:mae', 'a-b_c.d', 'größe', 'メトリック', 'x'.repeat(250), '.hidden', 'a..b']) {
      expect(() => assertEntityKey(E, 'key', key)).not.toThrow();
    }
  });

  it('refuses what MLflow refuses, naming the field', () => {
    for (const key of ['', '/abs', '../up', '..x', 'a//b', 'a/', 'a/./b', 'a/../b', '.', 'semi;colon', 'tab\there', 'x'.repeat(251), 'émoji😀']) {
      expect(() => assertEntityKey(E, 'params[3].key', key), key).toThrow(TrackingInvalidRequestError);
    }
    expect(() => assertEntityKey(E, 'params[3].key', 'a;b')).toThrow(/^POST \/api\/2\.0\/mlflow\/runs\/log-batch: params\[3\]\.key "a;b": names may only contain/);
  });

  it('checks aliases as the registry does', () => {
    for (const alias of ['champion', 'challenger-2', 'v', 'v1a', 'prod_eu']) expect(() => assertAlias(E, alias)).not.toThrow();
    for (const alias of ['', 'latest', 'LATEST', 'v1', 'V22', 'a b', 'a.b', 'x'.repeat(256)]) expect(() => assertAlias(E, alias), alias).toThrow(TrackingInvalidRequestError);
  });
});
