import { UsageError } from '../core/errors.js';

/** A flag's whole-number value in 0..max; a UsageError naming the flag otherwise. */
export function parseWholeNumber(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > max) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not valid: expected a whole number from 0 to ${max}`);
  }
  return Number(text);
}

/** A flag's value as an integer ≥ 1; a UsageError naming the flag otherwise. */
export function parsePositiveInt(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not valid: expected a whole number from 1 to ${max}`);
  }
  return Number(text);
}
