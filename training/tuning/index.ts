/** Hyperparameter search: search spaces, the TPE sampler, and the sequential search loop (no I/O). */
export { checkTrialParams, sampleUniform, validateSearchSpace } from './search-space.js';
export type { Dimension, ParamValue, SearchSpace, TrialParams } from './search-space.js';
export { defaultGamma, suggestTpe } from './tpe.js';
export type { ScoredParams, TpeOptions } from './tpe.js';
export { runSearch } from './search.js';
export type { SearchOptions, SearchResult, TrialRecord, TrialSampler } from './search.js';
