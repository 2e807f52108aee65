import { describe, expect, it } from 'vitest';
import {
  floorToFloat32,
  goesLeft,
  isLightGbmZero,
  nextDownFloat32,
  nextUpFloat32,
  onnxSplit,
  ZERO_THRESHOLD,
  type MissingType,
} from '../../../training/onnx/index.js';
import { seededRandom } from './fixtures.js';

/**
 * TreeEnsembleRegressor's BRANCH_LEQ rule for a float input (onnxruntime compares in float32): true when
 * x <= threshold, or when x is NaN and missing values track true. A node reading the zero-as-missing column sees
 * NaN wherever |x| ≤ ZERO_THRESHOLD, as the exported graph makes it.
 */
function onnxGoesLeft(split: ReturnType<typeof onnxSplit>, x: number): boolean {
  const seen = split.readsZeroAsMissing && isLightGbmZero(x) ? Number.NaN : x;
  return seen <= split.threshold || (split.missingTracksTrue && Number.isNaN(seen));
}

const z = ZERO_THRESHOLD;
const EDGE_THRESHOLDS = [0, -0, 1e-36, -1e-36, z, -z, 1e-35, -1e-35, nextUpFloat32(z), nextDownFloat32(-z), 3e-35, -3e-35, 0.1, -0.1, 2.5, -2.5, 1e39, -1e39];

function probes(t: number): number[] {
  const f = floorToFloat32(t);
  const tiny = [0, z, nextUpFloat32(z), nextDownFloat32(z), Math.fround(1e-36), 1.401298464324817e-45];
  return [Number.NaN, Infinity, -Infinity, f, nextUpFloat32(f), nextDownFloat32(f), Math.fround(t), ...tiny, ...tiny.map((v) => -v), 1, -1];
}

describe('onnxSplit', () => {
  const kinds: MissingType[] = ['None', 'Zero', 'NaN'];

  it('decides like LightGBM for every missing type and default direction, at edge thresholds and random ones', () => {
    const random = seededRandom(11);
    const thresholds = [...EDGE_THRESHOLDS, ...Array.from({ length: 300 }, () => (random() - 0.5) * 10 ** (random() * 8 - 4))];
    const wrong: string[] = [];
    let checked = 0;
    for (const missingType of kinds) {
      for (const defaultLeft of [true, false]) {
        for (const threshold of thresholds) {
          const split = { threshold, missingType, defaultLeft };
          const o = onnxSplit(split);
          expect(Math.fround(o.threshold)).toBe(o.threshold);
          for (const x of probes(threshold)) {
            checked++;
            if (onnxGoesLeft(o, x) !== goesLeft(split, x)) wrong.push(`${missingType}/${defaultLeft} t=${threshold} x=${x}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  });

  it('maps missing types to NaN tracking and the zero-as-missing column', () => {
    expect(onnxSplit({ threshold: 0.5, missingType: 'NaN', defaultLeft: false })).toEqual({ threshold: 0.5, missingTracksTrue: false, readsZeroAsMissing: false });
    expect(onnxSplit({ threshold: 0.5, missingType: 'None', defaultLeft: false })).toEqual({ threshold: 0.5, missingTracksTrue: true, readsZeroAsMissing: false });
    expect(onnxSplit({ threshold: -0.5, missingType: 'None', defaultLeft: true })).toEqual({ threshold: -0.5, missingTracksTrue: false, readsZeroAsMissing: false });
    expect(onnxSplit({ threshold: 0.5, missingType: 'Zero', defaultLeft: false })).toEqual({ threshold: 0.5, missingTracksTrue: false, readsZeroAsMissing: true });
  });

  it('uses the largest float32 ≤ threshold, not the nearest, and moves thresholds inside the zero band to its edge', () => {
    expect(Math.fround(0.1)).toBeGreaterThan(0.1);
    expect(onnxSplit({ threshold: 0.1, missingType: 'None', defaultLeft: true }).threshold).toBe(nextDownFloat32(Math.fround(0.1)));
    expect(onnxSplit({ threshold: 1e-35, missingType: 'None', defaultLeft: true }).threshold).toBe(z);
    expect(onnxSplit({ threshold: -1e-35, missingType: 'NaN', defaultLeft: true }).threshold).toBe(nextDownFloat32(-z));
  });
});
