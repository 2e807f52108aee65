import type { Tags } from './entities.js';
import { MLFLOW_LIMITS } from './limits.js';
import { assertEntityKey, assertInteger, assertMetricValue, assertStringValue } from './validation.js';
import { metricValueToWire, tagsToWire, type WireKeyValue, type WireMetric } from './wire-format.js';

/** A metric value to log; `timestamp` (ms) defaults to the time of the call, `step` to 0. */
export interface MetricInput {
  readonly key: string;
  readonly value: number;
  readonly step?: number;
  readonly timestamp?: number;
}

/** What one logBatch call logs. Params are write-once in MLflow: logging a key again needs the same value. */
export interface LogBatchInput {
  readonly metrics?: readonly MetricInput[];
  readonly params?: Tags;
  readonly tags?: Tags;
}

/** The body of one log-batch request. */
export interface LogBatchRequest {
  readonly run_id: string;
  readonly metrics: WireMetric[];
  readonly params: WireKeyValue[];
  readonly tags: WireKeyValue[];
}

/**
 * Checks every entity against MLflow's rules (throwing before anything is sent) and packs them into as few
 * requests as the per-request limits allow. Timestamps are fixed here, so sending a request again after an
 * unknown outcome logs nothing twice: the server skips a metric identical in key, value, timestamp and step,
 * accepts a param again with the same value, and overwrites tags.
 */
export function planLogBatch(endpoint: string, runId: string, input: LogBatchInput, now: number = Date.now()): LogBatchRequest[] {
  const metrics = (input.metrics ?? []).map((m, i) => metricToWire(endpoint, m, i, now));
  const params = tagsToWire(input.params);
  const tags = tagsToWire(input.tags);
  params.forEach((p, i) => {
    assertEntityKey(endpoint, `params[${i}].key`, p.key);
    assertStringValue(endpoint, `params[${JSON.stringify(p.key)}]`, p.value, MLFLOW_LIMITS.paramValueLength);
  });
  tags.forEach((t, i) => {
    assertEntityKey(endpoint, `tags[${i}].key`, t.key);
    assertStringValue(endpoint, `tags[${JSON.stringify(t.key)}]`, t.value, MLFLOW_LIMITS.runTagValueLength);
  });
  return pack(runId, metrics, params, tags);
}

function metricToWire(endpoint: string, m: MetricInput, i: number, now: number): WireMetric {
  const timestamp = m.timestamp ?? now;
  const step = m.step ?? 0;
  assertEntityKey(endpoint, `metrics[${i}].key`, m.key);
  assertMetricValue(endpoint, `metrics[${i}].value`, m.value);
  assertInteger(endpoint, `metrics[${i}].timestamp`, timestamp, { min: 0 });
  assertInteger(endpoint, `metrics[${i}].step`, step);
  return { key: m.key, value: metricValueToWire(m.value), timestamp, step };
}

function pack(runId: string, metrics: WireMetric[], params: WireKeyValue[], tags: WireKeyValue[]): LogBatchRequest[] {
  const L = MLFLOW_LIMITS;
  const requests: LogBatchRequest[] = [];
  const next = { metrics: 0, params: 0, tags: 0 };
  while (next.params < params.length || next.tags < tags.length || next.metrics < metrics.length) {
    const request: LogBatchRequest = { run_id: runId, metrics: [], params: [], tags: [] };
    let bytes = Buffer.byteLength(JSON.stringify(request));
    let entities = 0;
    // Takes entities of one kind while the request stays within every limit; a fresh request always takes one.
    const take = <E>(source: E[], kind: 'metrics' | 'params' | 'tags', target: E[], max: number): void => {
      while (next[kind] < source.length && target.length < max && entities < L.entitiesPerBatch) {
        const size = Buffer.byteLength(JSON.stringify(source[next[kind]])) + 1;
        if (entities > 0 && bytes + size > L.batchRequestBytes) return;
        target.push(source[next[kind]]);
        next[kind] += 1;
        entities += 1;
        bytes += size;
      }
    };
    take(params, 'params', request.params, L.paramsPerBatch);
    take(tags, 'tags', request.tags, L.tagsPerBatch);
    take(metrics, 'metrics', request.metrics, L.metricsPerBatch);
    requests.push(request);
  }
  return requests;
}
