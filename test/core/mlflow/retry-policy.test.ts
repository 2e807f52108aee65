import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, RetriesExhausted, withRetries, type RetryPolicy } from '../../../core/mlflow/retry-policy.js';

const policy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000, jitter: 0.5, maxElapsedMs: 60_000 };

/** A clock that only moves when the retry loop sleeps. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)), sleeps };
}

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter taking at most its share', () => {
    const ceilings = [100, 200, 400, 800, 1000, 1000];
    ceilings.forEach((ceiling, i) => {
      expect(backoffDelay(policy, i + 1, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(policy, i + 1, () => 0.999999)).toBe(ceiling);
    });
    expect(backoffDelay({ ...policy, jitter: 0 }, 3, () => 0.7)).toBe(400);
    expect(backoffDelay({ ...policy, jitter: 1 }, 3, () => 0.25)).toBe(100);
  });

  it('defaults to about 20 s of patience over 6 attempts', () => {
    const total = [1, 2, 3, 4, 5].reduce((s, r) => s + backoffDelay(DEFAULT_RETRY_POLICY, r, () => 0.999999), 0);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(6);
    expect(total).toBe(500 + 1000 + 2000 + 4000 + 8000);
  });
});

describe('withRetries', () => {
  it('retries what it is told to and returns the first success', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await withRetries(
      async (attempt) => {
        calls += 1;
        if (attempt < 3) throw new Error('transient');
        return 'ok';
      },
      policy,
      { shouldRetry: () => true, random: () => 0, ...time },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(time.sleeps).toEqual([50, 100]);
  });

  it('throws a refused failure at once, unwrapped', async () => {
    const boom = new Error('permanent');
    await expect(withRetries(async () => Promise.reject(boom), policy, { shouldRetry: () => false, ...fakeTime() })).rejects.toBe(boom);
  });

  it('stops after maxAttempts with the last error', async () => {
    const time = fakeTime();
    const err = await withRetries(async (a) => Promise.reject(new Error(`fail ${a}`)), policy, { shouldRetry: () => true, random: () => 0, ...time }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhausted);
    expect((err as RetriesExhausted).attempts).toBe(5);
    expect(((err as RetriesExhausted).lastError as Error).message).toBe('fail 5');
    expect(time.sleeps).toHaveLength(4);
  });

  it('stops when the next wait would pass maxElapsedMs', async () => {
    const time = fakeTime();
    const err = await withRetries(async () => Promise.reject(new Error('x')), { ...policy, maxAttempts: 100, maxElapsedMs: 1000 }, { shouldRetry: () => true, random: () => 0.999999, ...time }).catch(
      (e: unknown) => e,
    );
    // Waits of 100 + 200 + 400 = 700 ms; the next (800) would end past 1000 ms.
    expect(time.sleeps).toEqual([100, 200, 400]);
    expect((err as RetriesExhausted).attempts).toBe(4);
    expect((err as RetriesExhausted).message).toBe('gave up after 4 attempts over 0.7 s');
  });
});
