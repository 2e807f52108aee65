/**
 * Kaggle's CSV formatting, as text for the small files and as raw bytes for the large ones (building strings for
 * 125M rows would dominate the run time).
 */

const COMMA = 44;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;

/** Quotes a field when it holds a comma, quote or line break (e.g. the family `LIQUOR,WINE,BEER`). */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV document: header line, one line per row, `\n` line ends. */
export function renderCsv(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/** Kaggle's booleans: `True`, `False`, or empty for unknown. */
export function kaggleBool(value: boolean | null): string {
  return value === null ? '' : value ? 'True' : 'False';
}

/**
 * A decimal with at most `decimals` digits, written like Python's float repr for such values: trailing zeros
 * dropped but at least one decimal kept (`7.0`, `2.345`, `-1.0`, `93.1`).
 */
export function formatDecimal(value: number, decimals: number): string {
  const scale = 10 ** decimals;
  const scaled = Math.round(Math.abs(value) * scale);
  const whole = Math.floor(scaled / scale);
  let frac = String(scaled - whole * scale).padStart(decimals, '0').replace(/0+$/, '');
  if (frac === '') frac = '0';
  return `${value < 0 && scaled !== 0 ? '-' : ''}${whole}.${frac}`;
}

/** ASCII bytes of a string (the generator only writes ASCII). */
export function asciiBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, k) => ZERO + (k % 2 === 0 ? Math.floor(k / 20) : (k >> 1) % 10));

/** Writes a non-negative integer below 2^53 at `pos`; returns the position after it. */
export function putUint(buf: Uint8Array, pos: number, n: number): number {
  if (n > 0x7fffffff) {
    const high = Math.floor(n / 1e9);
    pos = putUint(buf, pos, high);
    return putPadded(buf, pos, n - high * 1e9, 9);
  }
  const len =
    n < 1e5
      ? n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : 5
      : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  return putPadded(buf, pos, n, len);
}

/** Writes n (below 2^31) as exactly `len` digits, zero-padded; two digits per step. */
function putPadded(buf: Uint8Array, pos: number, n: number, len: number): number {
  let p = pos + len;
  while (p - pos >= 2) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    buf[--p] = DIGIT_PAIRS[r + 1];
    buf[--p] = DIGIT_PAIRS[r];
    n = q;
  }
  if (p > pos) buf[--p] = ZERO + n;
  return pos + len;
}

/** Writes bytes at `pos`; returns the position after them. */
export function putBytes(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) buf[pos + k] = bytes[k];
  return pos + bytes.length;
}

/**
 * Writes a quantity given in thousandths as a Kaggle decimal (`7.0`, `2.345`, `0.5`, `-1.0`); returns the
 * position after it.
 */
export function putMilli(buf: Uint8Array, pos: number, milli: number): number {
  if (milli < 0) {
    buf[pos++] = MINUS;
    milli = -milli;
  }
  const whole = Math.floor(milli / 1000);
  let frac = milli - whole * 1000;
  pos = putUint(buf, pos, whole);
  buf[pos++] = DOT;
  if (frac === 0) {
    buf[pos++] = ZERO;
    return pos;
  }
  let digits = 3;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  let p = pos + digits;
  for (let k = 0; k < digits; k++) {
    const q = Math.floor(frac / 10);
    buf[--p] = ZERO + (frac - q * 10);
    frac = q;
  }
  return pos + digits;
}

/** Writes a comma; returns the position after it. */
export function putComma(buf: Uint8Array, pos: number): number {
  buf[pos] = COMMA;
  return pos + 1;
}
