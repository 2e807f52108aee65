import { describe, expect, it } from 'vitest';
import { floorToFloat32, isFloat32, nextDownFloat32, nextUpFloat32 } from '../../../training/onnx/index.js';
import { seededRandom } from './fixtures.js';

const MAX_FLOAT32 = 3.4028234663852886e38;
const MIN_SUBNORMAL = 1.401298464324817e-45;

// Doubles of every magnitude and sign, and float32s with their neighbours: where rounding goes wrong.
function sampleDoubles(n: number): number[] {
  const random = seededRandom(7);
  const out: number[] = [0, -0, 0.1, -0.1, 1 / 3, 1e-35, 1e-40, -1e-45, 1e39, -1e39, MAX_FLOAT32, MIN_SUBNORMAL];
  for (let i = 0; i < n; i++) {
    const magnitude = 10 ** (random() * 90 - 50);
    const d = (random() < 0.5 ? -1 : 1) * magnitude * random();
    out.push(d, Math.fround(d), (Math.fround(d) + nextUpFloat32(Math.fround(d))) / 2);
  }
  return out.filter(Number.isFinite); // beyond the float32 range fround gives ±Infinity

}

describe('float32 neighbours', () => {
  it('nextUp/nextDown step by one float32 across zero, subnormals and the top of the range', () => {
    expect(nextUpFloat32(0)).toBe(MIN_SUBNORMAL);
    expect(nextUpFloat32(-0)).toBe(MIN_SUBNORMAL);
    expect(nextDownFloat32(0)).toBe(-MIN_SUBNORMAL);
    expect(nextUpFloat32(-MIN_SUBNORMAL)).toBe(-0);
    expect(nextUpFloat32(1)).toBe(1 + 2 ** -23);
    expect(nextDownFloat32(1)).toBe(1 - 2 ** -24);
    expect(nextUpFloat32(MAX_FLOAT32)).toBe(Number.POSITIVE_INFINITY);
    expect(nextDownFloat32(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(nextDownFloat32(Number.POSITIVE_INFINITY)).toBe(MAX_FLOAT32);
    expect(Number.isNaN(nextUpFloat32(Number.NaN))).toBe(true);
    expect(() => nextUpFloat32(0.1)).toThrow(RangeError);
  });

  it('floorToFloat32(t) is the largest float32 ≤ t, so x <= t ⇔ x <= floorToFloat32(t) for float32 x', () => {
    let roundedUp = 0;
    const wrong: string[] = [];
    for (const t of sampleDoubles(3000)) {
      const f = floorToFloat32(t);
      if (!isFloat32(f) || !(f <= t) || !(nextUpFloat32(f) > t)) wrong.push(`t=${t}: floor ${f}`);
      for (const x of [f, nextUpFloat32(f), nextDownFloat32(f), Math.fround(t)]) {
        if (x <= f !== x <= t) wrong.push(`t=${t}, x=${x}`);
      }
      if (Math.fround(t) > t) roundedUp++;
    }
    expect(wrong).toEqual([]);
    // Round-to-nearest went above t for many samples: those are the inputs a rounded threshold would misroute.
    expect(roundedUp).toBeGreaterThan(1000);
  });

  it('floors doubles outside the float32 range to ±MAX or -Infinity, and refuses NaN', () => {
    expect(floorToFloat32(1e39)).toBe(MAX_FLOAT32);
    expect(floorToFloat32(-1e39)).toBe(Number.NEGATIVE_INFINITY);
    expect(floorToFloat32(1e-50)).toBe(0);
    expect(floorToFloat32(-1e-50)).toBe(-MIN_SUBNORMAL);
    expect(() => floorToFloat32(Number.NaN)).toThrow(RangeError);
  });
});
