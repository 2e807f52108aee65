/** How often and how long a failing call is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = no retries). */
  readonly maxAttempts: number;
  /** Delay before the first retry, before jitter. */
  readonly initialDelayMs: number;
  /** Each further retry waits this many times longer... */
  readonly multiplier: number;
  /** ...up to this delay. */
  readonly maxDelayMs: number;
  /** Share of each delay that is random (0 = fixed delays, 1 = anything from 0 to the delay). */
  readonly jitter: number;
  /** No retry starts later than this after the first attempt began. */
  readonly maxElapsedMs: number;
}

/** 6 attempts over about 20 s: enough for a tracking server that restarts, short enough to fail a run visibly. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  initialDelayMs: 500,
  multiplier: 2,
  maxDelayMs: 8000,
  jitter: 0.5,
  maxElapsedMs: 60_000,
});

/** The wait before retry number `retry` (1 = the first retry); `random` returns a number in [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (retry - 1));
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(ceiling * (1 - jitter) + ceiling * jitter * random());
}

/** What the retry loop needs from its caller: which failures to retry, and hooks for logging and tests. */
export interface RetryHooks {
  /** True when the failure is worth another attempt. */
  shouldRetry(err: unknown): boolean;
  /** Called before each wait. */
  onRetry?(err: unknown, retry: number, delayMs: number): void;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The final failure of a retried call and how the attempts went. */
export class RetriesExhausted extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} over ${(elapsedMs / 1000).toFixed(1)} s`, { cause: lastError });
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `op` until it succeeds, fails with an error `shouldRetry` refuses (thrown as is), or the policy's attempts
 * or time run out (a RetriesExhausted carrying the last error).
 */
export async function withRetries<T>(op: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? defaultSleep;
  const started = now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op(attempt);
    } catch (err) {
      if (!hooks.shouldRetry(err)) throw err;
      const delay = backoffDelay(policy, attempt, hooks.random);
      const elapsed = now() - started;
      if (attempt >= policy.maxAttempts || elapsed + delay > policy.maxElapsedMs) throw new RetriesExhausted(err, attempt, elapsed);
      hooks.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
