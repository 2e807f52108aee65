/**
 * Float32 neighbours of doubles. LightGBM compares a float32 feature (widened to double) with a double threshold,
 * while ONNX Runtime compares float32 with float32; these functions pick the float32 that keeps the comparison.
 */

const scratch = new DataView(new ArrayBuffer(4));

function bitsOf(f: number): number {
  scratch.setFloat32(0, f);
  return scratch.getUint32(0);
}

function fromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0);
  return scratch.getFloat32(0);
}

/** Whether `x` is exactly representable as a float32 (NaN and ±Infinity included). */
export function isFloat32(x: number): boolean {
  return Number.isNaN(x) || Math.fround(x) === x;
}

/** The smallest float32 greater than the float32 `f` (+Infinity stays; NaN stays). */
export function nextUpFloat32(f: number): number {
  if (!isFloat32(f)) throw new RangeError(`${f} is not a float32`);
  if (Number.isNaN(f) || f === Number.POSITIVE_INFINITY) return f;
  if (f === 0) return fromBits(1); // from -0 or +0: the smallest positive subnormal
  const bits = bitsOf(f);
  return fromBits(f > 0 ? bits + 1 : bits - 1);
}

/** The largest float32 less than the float32 `f` (-Infinity stays; NaN stays). */
export function nextDownFloat32(f: number): number {
  if (!isFloat32(f)) throw new RangeError(`${f} is not a float32`);
  if (Number.isNaN(f) || f === Number.NEGATIVE_INFINITY) return f;
  return -nextUpFloat32(-f);
}

/**
 * The largest float32 that is ≤ `t` (a double). For every float32 x: x <= t ⇔ x <= floorToFloat32(t), which
 * rounding to nearest does not give (it may round up past x). Below the float32 range this is -Infinity.
 */
export function floorToFloat32(t: number): number {
  if (Number.isNaN(t)) throw new RangeError('cannot floor NaN to a float32');
  const f = Math.fround(t);
  return f > t ? nextDownFloat32(f) : f;
}
