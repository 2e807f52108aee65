import { UsageError } from '../../core/errors.js';

/** A value a trial can assign to a parameter. */
export type ParamValue = string | number | boolean;

/**
 * One searched parameter. Numeric bounds are inclusive; `log` searches the logarithm of the value, so each
 * decade of the range gets the same share of draws.
 */
export type Dimension =
  | { kind: 'float'; low: number; high: number; log?: boolean }
  | { kind: 'int'; low: number; high: number; log?: boolean }
  | { kind: 'choice'; values: readonly ParamValue[] };

/** The searched parameters by name. */
export type SearchSpace = Readonly<Record<string, Dimension>>;

/** One assignment of every dimension of a search space. */
export type TrialParams = Record<string, ParamValue>;

/** Throws a UsageError naming the first dimension that cannot be searched. */
export function validateSearchSpace(space: SearchSpace): void {
  const names = Object.keys(space);
  if (names.length === 0) throw new UsageError('search space has no dimensions');
  for (const name of names) validateDimension(name, space[name]);
}

function validateDimension(name: string, dim: Dimension): void {
  const fail = (problem: string): never => {
    throw new UsageError(`search space dimension ${name}: ${problem}`);
  };
  // Spaces often come from config files, so the kind and the field types are checked, not only trusted.
  if (dim === null || typeof dim !== 'object') return fail('must be an object with a kind');
  if (dim.kind === 'choice') {
    if (!Array.isArray(dim.values) || dim.values.length === 0) return fail('choice needs at least one value');
    const seen = new Set<ParamValue>();
    for (const value of dim.values) {
      const type = typeof value;
      if (type !== 'string' && type !== 'boolean' && !(type === 'number' && Number.isFinite(value))) {
        return fail(`choice value ${String(value)} is not a string, boolean or finite number`);
      }
      if (seen.has(value)) return fail(`choice value ${JSON.stringify(value)} appears twice`);
      seen.add(value);
    }
    return;
  }
  if (dim.kind !== 'float' && dim.kind !== 'int') {
    return fail(`unknown kind ${JSON.stringify((dim as { kind: unknown }).kind)} (expected float, int or choice)`);
  }
  const { low, high } = dim;
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    return fail(`low and high must be finite numbers, got ${low} and ${high}`);
  }
  if (dim.kind === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) {
    return fail(`int bounds must be integers, got ${low} and ${high}`);
  }
  if (!(low < high)) return fail(`low (${low}) must be below high (${high})`);
  if (dim.log && !(low > 0)) return fail(`log scale needs low > 0, got ${low}`);
}

/**
 * Throws a UsageError unless `params` assigns every dimension of the space a value it can take, and nothing else.
 * `what` names the parameter set in the message, e.g. "initial parameters 2".
 */
export function checkTrialParams(space: SearchSpace, params: TrialParams, what: string): void {
  for (const name of Object.keys(params)) {
    if (!Object.hasOwn(space, name)) throw new UsageError(`${what}: ${name} is not a dimension of the search space`);
  }
  for (const [name, dim] of Object.entries(space)) {
    if (!Object.hasOwn(params, name)) throw new UsageError(`${what}: no value for ${name}`);
    const value = params[name];
    if (!fits(dim, value)) throw new UsageError(`${what}: ${name}=${JSON.stringify(value)} is outside its dimension`);
  }
}

function fits(dim: Dimension, value: ParamValue): boolean {
  if (dim.kind === 'choice') return dim.values.includes(value);
  if (typeof value !== 'number' || !(value >= dim.low && value <= dim.high)) return false;
  return dim.kind === 'float' || Number.isInteger(value);
}

/** Draws every dimension independently and uniformly (log-uniformly for `log` dimensions). */
export function sampleUniform(space: SearchSpace, rng: () => number): TrialParams {
  validateSearchSpace(space);
  const params: TrialParams = {};
  for (const [name, dim] of Object.entries(space)) {
    if (dim.kind === 'choice') {
      params[name] = dim.values[Math.min(Math.floor(rng() * dim.values.length), dim.values.length - 1)];
    } else {
      const scale = numericScale(dim);
      params[name] = scale.toValue(scale.low + rng() * (scale.high - scale.low));
    }
  }
  return params;
}

/**
 * A numeric dimension as the samplers see it: an interval of the (log-)transformed axis, and the maps between a
 * parameter value and a point on that axis.
 */
export interface NumericScale {
  low: number;
  high: number;
  toInternal(value: number): number;
  /** Back to a value of the dimension: inside its bounds, and an integer for int dimensions. */
  toValue(internal: number): number;
}

/**
 * The internal axis of a numeric dimension. An int dimension's interval reaches half a unit beyond each bound so
 * that rounding gives every integer an equal share of the axis (of the log axis, for log dimensions).
 */
export function numericScale(dim: Extract<Dimension, { kind: 'float' | 'int' }>): NumericScale {
  const pad = dim.kind === 'int' ? 0.5 : 0;
  const forward = dim.log ? Math.log : (x: number) => x;
  const backward = dim.log ? Math.exp : (x: number) => x;
  const clamp = (x: number) => Math.min(Math.max(x, dim.low), dim.high);
  return {
    low: forward(dim.low - pad),
    high: forward(dim.high + pad),
    toInternal: forward,
    // Clamping also absorbs exp(log(x)) != x at the bounds and the padded ends of int intervals.
    toValue: dim.kind === 'int' ? (z) => clamp(Math.round(backward(z))) : (z) => clamp(backward(z)),
  };
}
