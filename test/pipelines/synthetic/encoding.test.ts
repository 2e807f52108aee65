import { describe, expect, it } from 'vitest';
import { csvField, formatDecimal, putMilli, putUint, renderCsv } from '../../../pipelines/synthetic/csv-encoding.js';
import { extendHash, hash32, mix32, UNIT_SCALE } from '../../../pipelines/synthetic/hash-rng.js';
import { normalQuantile } from '../../../pipelines/synthetic/normal-quantile.js';

const text = (write: (buf: Uint8Array) => number): string => {
  const buf = new Uint8Array(64);
  return Buffer.from(buf.subarray(0, write(buf))).toString('latin1');
};

describe('Kaggle number formatting', () => {
  it('writes integers like String() does, beyond 2^31 as well', () => {
    const values = [0, 7, 10, 99, 100, 12345, 999999, 1000000, 125497039, 2147483647, 2147483648, 98765432101, 2 ** 52];
    for (const n of values) expect(text((b) => putUint(b, 0, n))).toBe(String(n));
    for (let k = 0; k < 2000; k++) {
      const n = Math.floor((hash32(1, 1, k) * UNIT_SCALE) ** 3 * 1e12);
      expect(text((b) => putUint(b, 0, n))).toBe(String(n));
    }
  });

  it('writes thousandths as short decimals with at least one decimal: 7.0, 2.345, 0.5, -1.0', () => {
    const cases: Array<[number, string]> = [
      [7000, '7.0'],
      [2345, '2.345'],
      [500, '0.5'],
      [20, '0.02'],
      [1, '0.001'],
      [1230, '1.23'],
      [-1000, '-1.0'],
      [-455, '-0.455'],
      [123456789, '123456.789'],
    ];
    for (const [milli, expected] of cases) expect(text((b) => putMilli(b, 0, milli))).toBe(expected);
    for (let k = -3000; k <= 3000; k += 7) expect(text((b) => putMilli(b, 0, k))).toBe(formatDecimal(k / 1000, 3));
  });

  it('formats prices like Python prints floats', () => {
    expect(formatDecimal(93.14, 2)).toBe('93.14');
    expect(formatDecimal(93.1, 2)).toBe('93.1');
    expect(formatDecimal(94, 2)).toBe('94.0');
    expect(formatDecimal(-0.0001, 2)).toBe('0.0');
  });

  it('quotes only fields that need it', () => {
    expect(csvField('LIQUOR,WINE,BEER')).toBe('"LIQUOR,WINE,BEER"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('GROCERY I')).toBe('GROCERY I');
    expect(renderCsv(['a', 'b'], [['1', 'x,y']])).toBe('a,b\n1,"x,y"\n');
  });
});

describe('counter-based hashing', () => {
  it('is a pure function of its coordinates, sensitive to each of them', () => {
    expect(hash32(42, 1, 2, 3, 4)).toBe(hash32(42, 1, 2, 3, 4));
    const base = hash32(42, 1, 2, 3, 4);
    for (const other of [hash32(43, 1, 2, 3, 4), hash32(42, 2, 2, 3, 4), hash32(42, 1, 3, 3, 4), hash32(42, 1, 2, 4, 4), hash32(42, 1, 2, 3, 5)]) {
      expect(other).not.toBe(base);
    }
    expect(extendHash(base, 17000)).not.toBe(extendHash(base, 17001));
    expect(mix32(0)).toBe(0);
  });

  it('gives uniform draws: equal bucket counts within chance, mean 1/2, no day-to-day correlation', () => {
    const buckets = new Array(64).fill(0);
    const n = 200_000;
    let sum = 0;
    let prev = 0;
    let lagProduct = 0;
    for (let k = 0; k < n; k++) {
      const u = extendHash(hash32(7, 1, k % 50, Math.floor(k / 50)), 16000 + (k % 4000)) * UNIT_SCALE;
      buckets[Math.floor(u * 64)]++;
      sum += u;
      lagProduct += (u - 0.5) * (prev - 0.5);
      prev = u;
    }
    const expected = n / 64;
    const chi2 = buckets.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    // 63 degrees of freedom: the 99.9% quantile is about 104.
    expect(chi2).toBeLessThan(104);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(lagProduct / n / (1 / 12))).toBeLessThan(0.02);
  });

  it('turns uniforms into normal quantiles', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
