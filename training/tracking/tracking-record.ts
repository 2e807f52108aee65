import { createHash } from 'node:crypto';
import type { MetricInput } from '../../core/mlflow/index.js';
import type { RunManifest } from '../bundle/index.js';
import { TRACKING_TAGS } from './tracking-tags.js';

/** What a run directory tells the tracker: the run's name, params, metrics (learning curves stepped) and tags. */
export interface TrackingRecord {
  readonly runName: string;
  readonly params: Record<string, string>;
  readonly metrics: MetricInput[];
  readonly tags: Record<string, string>;
}

/** The parts of a run directory the record is made from. */
export interface TrackingRecordInput {
  readonly manifest: RunManifest;
  /** learning_curves.json: per horizon, the validation loss (NWRMSLE squared) after each boosting round. */
  readonly learningCurves: { readonly horizons: readonly (readonly number[])[] };
  /** feature_spec.json. */
  readonly featureSpec: Readonly<Record<string, unknown>>;
  /** report.md, shown as the run's description. */
  readonly report: string;
}

/** Metric names: `nwrmsle` and `baseline_nwrmsle` overall, `…_h00` … `…_h15` per horizon, `curve_nwrmsle_hNN` stepped by round. */
export const METRIC_KEYS = {
  model: 'nwrmsle',
  baseline: 'baseline_nwrmsle',
  improvement: 'improvement_over_baseline',
  curve: 'curve_nwrmsle',
} as const;

/** The key of a per-horizon metric, e.g. `nwrmsle_h03`. */
export function horizonKey(base: string, horizon: number): string {
  return `${base}_h${String(horizon).padStart(2, '0')}`;
}

/**
 * The MLflow record of a run directory. Every metric carries the run's creation time as timestamp, so logging the
 * record again (a publish resumed after a failure) adds nothing: the server skips identical metric values.
 */
export function trackingRecord(input: TrackingRecordInput): TrackingRecord {
  const m = input.manifest;
  const timestamp = Date.parse(m.createdAt);
  const params: Record<string, string> = {
    ...Object.fromEntries(Object.entries(m.settings.params).map(([k, v]) => [`lgbm.${k}`, String(v)])),
    max_rounds: String(m.settings.maxRounds),
    early_stopping_rounds: String(m.settings.earlyStoppingRounds),
    'data_window.from': m.dataWindow.from,
    'data_window.to': m.dataWindow.to,
    last_observed_day: m.lastObservedDay,
    'origin.test': m.origins.test,
    'origin.validation': m.origins.validation,
    'origins.training': m.origins.training.join(','),
    ...(m.origins.refit ? { 'origins.refit': m.origins.refit.join(',') } : {}),
    'rows.training': String(m.rows.training),
    'rows.validation': String(m.rows.validation),
    ...(m.rows.refit !== undefined ? { 'rows.refit': String(m.rows.refit) } : {}),
    ...(m.rows.reference !== undefined ? { 'rows.reference': String(m.rows.reference) } : {}),
    ...(m.settings.referenceSample
      ? { 'reference_sample.rows': String(m.settings.referenceSample.rows), 'reference_sample.seed': String(m.settings.referenceSample.seed) }
      : {}),
    feature_count: String(m.featureCount),
    feature_spec_sha256: featureSpecHash(input.featureSpec),
    shelfcast_version: m.shelfcastVersion,
    ...(m.sourceCommit ? { source_commit: m.sourceCommit } : {}),
    lake: m.lake,
  };

  const metric = (key: string, value: number, step = 0): MetricInput => ({ key, value, step, timestamp });
  const { model, baseline } = m.scores;
  const metrics: MetricInput[] = [
    metric(METRIC_KEYS.model, model.overall),
    metric(METRIC_KEYS.baseline, baseline.overall),
    metric(METRIC_KEYS.improvement, m.scores.improvement),
    metric('onnx_parity_max_abs_diff', m.parity.maxAbsDiff),
    metric('train_seconds', m.seconds),
    ...model.perHorizon.map((s, h) => metric(horizonKey(METRIC_KEYS.model, h), s)),
    ...baseline.perHorizon.map((s, h) => metric(horizonKey(METRIC_KEYS.baseline, h), s)),
    ...m.horizons.map((h) => metric(horizonKey('trees', h.horizon), h.iterations)),
    // The curves hold the weighted l2 loss, NWRMSLE squared; the tracker shows NWRMSLE after each round (step 1 …).
    ...input.learningCurves.horizons.flatMap((curve, h) => curve.map((loss, i) => metric(horizonKey(METRIC_KEYS.curve, h), Math.sqrt(loss), i + 1))),
  ];

  const tags: Record<string, string> = {
    [TRACKING_TAGS.runId]: m.runId,
    [TRACKING_TAGS.lake]: m.lake,
    [TRACKING_TAGS.dataWindow]: `${m.dataWindow.from}..${m.dataWindow.to}`,
    [TRACKING_TAGS.validationOrigin]: m.origins.validation,
    'mlflow.source.name': 'shelfcast train',
    'mlflow.source.type': 'LOCAL',
    ...(m.sourceCommit ? { 'mlflow.source.git.commit': m.sourceCommit } : {}),
    // MLflow shows this tag as the run's description (markdown).
    'mlflow.note.content': input.report.length <= 8000 ? input.report : `${input.report.slice(0, 7990)}\n…`,
  };
  return { runName: m.runId, params, metrics, tags };
}

/**
 * sha256 of the feature set a model takes (feature names and dtypes, labels, weights, origin rules), leaving out
 * what differs from run to run (category codes, origins, data window): equal hashes mean interchangeable inputs.
 */
export function featureSpecHash(spec: Readonly<Record<string, unknown>>): string {
  const { version, features, labels, weight, origin } = spec;
  return createHash('sha256').update(JSON.stringify({ version, features, labels, weight, origin })).digest('hex');
}
