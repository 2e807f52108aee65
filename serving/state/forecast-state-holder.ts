import { silentLogger, type Logger } from '../../core/logger.js';
import type { Lake } from '../../core/storage/lake.js';
import type { LakeConfig } from '../../core/storage/open-lake.js';
import { sameModel, type ModelRef, type ModelSource } from '../model/model-source.js';
import { buildForecastState, type ForecastState } from './forecast-state.js';
import { scoreInWorker, type SnapshotScorer } from './snapshot-scorer.js';
import { servingOrigin } from './serving-origin.js';

export interface ForecastStateHolderDeps {
  readonly source: ModelSource;
  /** The lake the origin is polled from (its last staged sales day). */
  readonly lake: Lake;
  /** How the scorer opens the same lake (possibly in another thread). */
  readonly lakeConfig: LakeConfig;
  readonly cacheDir: string;
  readonly scorer?: SnapshotScorer;
  readonly logger?: Logger;
  /** Called after every swap, with the state replaced (undefined for the first). */
  readonly onSwap?: (state: ForecastState, previous: ForecastState | undefined) => void;
  /** Called after every reload attempt, polled or asked for. */
  readonly onOutcome?: (outcome: 'changed' | 'unchanged' | 'failed') => void;
}

/** What one reload did. */
export interface ReloadOutcome {
  /** False when the source and the origin were unchanged (and no reload was forced). */
  readonly changed: boolean;
  readonly state: ForecastState;
  readonly previous?: ForecastState;
  readonly seconds: number;
}

/**
 * Holds the state serving answers from and replaces it. A reload loads the new model version and snapshot beside
 * the current state and then swaps one reference, so requests in flight finish on the state they started with.
 * Reloads never overlap: a call during a reload waits for that reload.
 */
export class ForecastStateHolder {
  readonly #deps: ForecastStateHolderDeps;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  #state: ForecastState | undefined;
  #loading: Promise<ReloadOutcome> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #nextId = 1;

  constructor(deps: ForecastStateHolderDeps) {
    this.#deps = deps;
    this.#logger = deps.logger ?? silentLogger;
  }

  /** The state to answer from; undefined until the first load finished. */
  get current(): ForecastState | undefined {
    return this.#state;
  }

  /**
   * Loads the source's current version at the lake's current origin when either differs from the state held
   * (or always, with `force`), then swaps. A failed reload leaves the current state in place and rejects.
   */
  reload(options: { readonly force?: boolean } = {}): Promise<ReloadOutcome> {
    this.#loading ??= this.#reload(Boolean(options.force))
      .then(
        (outcome) => {
          this.#deps.onOutcome?.(outcome.changed ? 'changed' : 'unchanged');
          return outcome;
        },
        (err: unknown) => {
          this.#deps.onOutcome?.('failed');
          throw err;
        },
      )
      .finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  /** Polls the source and the lake every `intervalMs` and reloads on a change; failures are logged and retried on the next poll. */
  startPolling(intervalMs: number): void {
    this.stopPolling();
    const poll = (): void => {
      this.reload().then(
        () => this.#schedule(poll, intervalMs),
        (err: unknown) => {
          this.#logger.error({ err }, 'serve: reload failed; still serving the loaded version');
          this.#schedule(poll, intervalMs);
        },
      );
    };
    this.#schedule(poll, intervalMs);
  }

  stopPolling(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Stops polling and any load in progress (its worker is stopped); the held state stays readable. */
  async close(): Promise<void> {
    this.stopPolling();
    this.#abort.abort(new Error('serving is shutting down'));
    await this.#loading?.catch(() => undefined);
  }

  #schedule(poll: () => void, intervalMs: number): void {
    if (this.#abort.signal.aborted) return;
    this.#timer = setTimeout(poll, intervalMs);
    this.#timer.unref();
  }

  async #reload(force: boolean): Promise<ReloadOutcome> {
    const started = performance.now();
    const [ref, origin] = await Promise.all([this.#deps.source.current(), servingOrigin(this.#deps.lake)]);
    const held = this.#state;
    if (held && !force && sameModel(held.model, ref) && held.origin === origin) {
      return { changed: false, state: held, seconds: secondsSince(started) };
    }
    this.#logger.info({ model: ref.name, version: ref.version, origin, previous: held && { version: held.model.version, origin: held.origin } }, 'serve: loading');
    const next = await this.#load(ref, origin, started);
    this.#abort.signal.throwIfAborted();
    // The one write a request can observe: everything in `next` was complete before it.
    this.#state = next;
    this.#logger.info({ version: next.model.version, origin: next.origin, series: next.series.rows, seconds: next.loadSeconds }, 'serve: now serving');
    this.#deps.onSwap?.(next, held);
    return { changed: true, state: next, previous: held, seconds: secondsSince(started) };
  }

  async #load(ref: ModelRef, origin: string, started: number): Promise<ForecastState> {
    const model = await this.#deps.source.load(ref);
    const scorer = this.#deps.scorer ?? scoreInWorker;
    const scored = await scorer(
      { lake: this.#deps.lakeConfig, cacheDir: this.#deps.cacheDir, origin, onnxPath: model.onnxPath, categories: model.categories },
      this.#abort.signal,
    );
    this.#logger.debug({ featureSeconds: scored.featureSeconds, scoringSeconds: scored.scoringSeconds, series: scored.storeNbr.length }, 'serve: snapshot scored');
    return buildForecastState({
      id: this.#nextId++,
      model: model.identity,
      origin,
      storeNbr: scored.storeNbr,
      itemNbr: scored.itemNbr,
      logForecasts: scored.logForecasts,
      outputs: scored.outputs,
      knownStores: scored.knownStores,
      knownItems: scored.knownItems,
      loadedAt: new Date().toISOString(),
      loadSeconds: secondsSince(started),
    });
  }
}

function secondsSince(started: number): number {
  return Math.round(performance.now() - started) / 1000;
}
