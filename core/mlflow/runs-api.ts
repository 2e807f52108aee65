import { TrackingNotFoundError } from '../errors.js';
import { failureKind } from './call-failure.js';
import type { Metric, Page, Run, RunInfo, RunStatus, Tags } from './entities.js';
import { MLFLOW_LIMITS } from './limits.js';
import { planLogBatch, type LogBatchInput } from './log-batch-plan.js';
import type { JsonCall, MlflowTransport } from './mlflow-transport.js';
import { allPages, collect } from './paging.js';
import { createOnce, REQUEST_ID_TAG } from './safe-create.js';
import { assertEntityKey, assertId, assertInteger, assertStringValue, assertTags } from './validation.js';
import { metricFromWire, runFromWire, runInfoFromWire, tagsToWire, type WireMetric, type WireRun, type WireRunInfo } from './wire-format.js';

const BASE = '/api/2.0/mlflow/runs';

export interface CreateRunInput {
  readonly experimentId: string;
  readonly runName?: string;
  /** Milliseconds since the epoch; default now. */
  readonly startTime?: number;
  readonly tags?: Tags;
}

export interface UpdateRunInput {
  readonly runId: string;
  readonly status?: RunStatus;
  readonly endTime?: number;
  readonly runName?: string;
}

export interface SearchRunsQuery {
  readonly experimentIds: readonly string[];
  /** MLflow's filter syntax, e.g. `metrics.rmse < 1 and params.model = 'lgbm' and tags.stage = 'dev'`. */
  readonly filter?: string;
  /** e.g. `['metrics.rmse ASC', 'attributes.start_time DESC']`. */
  readonly orderBy?: readonly string[];
  /** Page size; the server's default is 1000 and its ceiling 50,000. */
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly viewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
}

/** Runs: create, update/terminate, get, search, log-batch, tags, metric history. */
export class RunsApi {
  constructor(private readonly transport: MlflowTransport) {}

  /**
   * Starts a run. Safe to retry: the run carries a fresh `shelfcast.request_id` tag, and a retry after an
   * unknown outcome returns the run an earlier attempt made instead of making another.
   */
  create(input: CreateRunInput): Promise<Run> {
    const path = `${BASE}/create`;
    const endpoint = this.transport.endpoint('POST', path);
    assertId(endpoint, 'experiment_id', input.experimentId);
    assertTags(endpoint, 'tags', input.tags, MLFLOW_LIMITS.entityKeyLength, MLFLOW_LIMITS.runTagValueLength);
    const startTime = input.startTime ?? Date.now();
    assertInteger(endpoint, 'start_time', startTime, { min: 0 });
    return createOnce(this.transport, {
      endpoint,
      create: async (requestId) => {
        const body = {
          experiment_id: input.experimentId,
          run_name: input.runName,
          start_time: startTime,
          tags: tagsToWire({ ...input.tags, [REQUEST_ID_TAG]: requestId }),
        };
        return runFromWire((await this.transport.jsonOnce<{ run: WireRun }>({ method: 'POST', path, body })).run);
      },
      find: async (requestId) => {
        const call = this.searchCall({ experimentIds: [input.experimentId], filter: `tags.\`${REQUEST_ID_TAG}\` = '${requestId}'`, maxResults: 1 });
        return (await this.transport.jsonOnce<{ runs?: WireRun[] }>(call)).runs?.map(runFromWire)[0];
      },
    });
  }

  /** Changes a run's status, end time or name. */
  async update(input: UpdateRunInput): Promise<RunInfo> {
    const path = `${BASE}/update`;
    const endpoint = this.transport.endpoint('POST', path);
    assertId(endpoint, 'run_id', input.runId);
    if (input.endTime !== undefined) assertInteger(endpoint, 'end_time', input.endTime, { min: 0 });
    const body = { run_id: input.runId, status: input.status, end_time: input.endTime, run_name: input.runName };
    const res = await this.transport.json<{ run_info: WireRunInfo }>({ method: 'POST', path, body }, 'idempotent');
    return runInfoFromWire(res.run_info);
  }

  /** Ends a run: its status (FINISHED unless told) and end time (now unless told). */
  terminate(runId: string, status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'> = 'FINISHED', endTime: number = Date.now()): Promise<RunInfo> {
    return this.update({ runId, status, endTime });
  }

  /** The run with its latest metrics, params and tags; TrackingNotFoundError when there is none. */
  async get(runId: string): Promise<Run> {
    const path = `${BASE}/get`;
    assertId(this.transport.endpoint('GET', path), 'run_id', runId);
    const res = await this.transport.json<{ run: WireRun }>({ method: 'GET', path, query: { run_id: runId } }, 'idempotent');
    return runFromWire(res.run);
  }

  /** One page of runs matching a query. */
  async search(query: SearchRunsQuery): Promise<Page<Run>> {
    const res = await this.transport.json<{ runs?: WireRun[]; next_page_token?: string }>(this.searchCall(query), 'idempotent');
    return { items: (res.runs ?? []).map(runFromWire), nextPageToken: res.next_page_token || undefined };
  }

  /** Every run matching a query, page after page. */
  searchAll(query: Omit<SearchRunsQuery, 'pageToken'>): AsyncGenerator<Run> {
    return allPages((pageToken) => this.search({ ...query, pageToken }));
  }

  /**
   * Logs metrics, params and tags in as few log-batch requests as MLflow's limits allow, after checking all of
   * them. Each request is safe to repeat (see planLogBatch). Requests are not one transaction: when one fails
   * for good, the earlier ones stay logged, and calling again with the same input completes the batch.
   */
  async logBatch(runId: string, input: LogBatchInput): Promise<{ readonly requests: number }> {
    const path = `${BASE}/log-batch`;
    const endpoint = this.transport.endpoint('POST', path);
    assertId(endpoint, 'run_id', runId);
    const requests = planLogBatch(endpoint, runId, input);
    for (const body of requests) await this.transport.json({ method: 'POST', path, body }, 'idempotent');
    return { requests: requests.length };
  }

  /** Sets (or overwrites) a run tag. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    const path = `${BASE}/set-tag`;
    const endpoint = this.transport.endpoint('POST', path);
    assertId(endpoint, 'run_id', runId);
    assertEntityKey(endpoint, 'key', key);
    assertStringValue(endpoint, 'value', value, MLFLOW_LIMITS.runTagValueLength);
    await this.transport.json({ method: 'POST', path, body: { run_id: runId, key, value } }, 'idempotent');
  }

  /** Deletes a run tag; TrackingNotFoundError when the run has no such tag. */
  async deleteTag(runId: string, key: string): Promise<void> {
    const path = `${BASE}/delete-tag`;
    const endpoint = this.transport.endpoint('POST', path);
    assertId(endpoint, 'run_id', runId);
    assertEntityKey(endpoint, 'key', key);
    const call: JsonCall = { method: 'POST', path, body: { run_id: runId, key } };
    // A repeat after an unknown outcome may find the tag already gone: that is the wanted state.
    let mayBeDone = false;
    await this.transport.retrying(endpoint, 'idempotent', async () => {
      try {
        await this.transport.jsonOnce(call);
      } catch (err) {
        if (mayBeDone && err instanceof TrackingNotFoundError) return;
        if (failureKind(err) === 'uncertain') mayBeDone = true;
        throw err;
      }
    });
  }

  /** Every logged value of one metric, in the server's order (by step, then timestamp). */
  getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const path = '/api/2.0/mlflow/metrics/get-history';
    const endpoint = this.transport.endpoint('GET', path);
    assertId(endpoint, 'run_id', runId);
    assertEntityKey(endpoint, 'metric_key', key);
    return collect(
      allPages(async (pageToken) => {
        const query = { run_id: runId, metric_key: key, max_results: MLFLOW_LIMITS.metricHistoryMaxResults, page_token: pageToken };
        const res = await this.transport.json<{ metrics?: WireMetric[]; next_page_token?: string }>({ method: 'GET', path, query }, 'idempotent');
        return { items: (res.metrics ?? []).map(metricFromWire), nextPageToken: res.next_page_token };
      }),
    );
  }

  private searchCall(query: SearchRunsQuery): JsonCall {
    const path = `${BASE}/search`;
    const endpoint = this.transport.endpoint('POST', path);
    query.experimentIds.forEach((id, i) => assertId(endpoint, `experiment_ids[${i}]`, id));
    if (query.maxResults !== undefined) assertInteger(endpoint, 'max_results', query.maxResults, { min: 1 });
    const body = {
      experiment_ids: query.experimentIds,
      filter: query.filter,
      order_by: query.orderBy,
      max_results: query.maxResults,
      page_token: query.pageToken,
      run_view_type: query.viewType,
    };
    return { method: 'POST', path, body };
  }
}
