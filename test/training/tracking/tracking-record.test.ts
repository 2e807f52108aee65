/** What a run directory becomes in MLflow (params, metrics, tags), and the learning-curve plot. */
import { describe, expect, it } from 'vitest';
import { featureSpecDocument } from '../../../pipelines/features/index.js';
import type { RunManifest } from '../../../training/bundle/index.js';
import { featureSpecHash, learningCurvesSvg, METRIC_KEYS, trackingRecord, TRACKING_TAGS } from '../../../training/tracking/index.js';

const perHorizon = (base: number) => Array.from({ length: 16 }, (_, h) => base + h / 100);
const manifest: RunManifest = {
  format: 'shelfcast-run',
  formatVersion: 1,
  runId: '20260101T000000Z-abcdef',
  createdAt: '2026-01-01T00:00:00.000Z',
  shelfcastVersion: '0.1.0',
  sourceCommit: 'a'.repeat(40),
  lake: 's3://bucket/lake',
  lastObservedDay: '2017-08-15',
  origins: { test: '2017-08-16', validation: '2017-07-26', training: ['2017-07-19', '2017-07-12'] },
  dataWindow: { from: '2016-07-12', to: '2017-08-10' },
  settings: { params: { learning_rate: 0.02, num_leaves: 31, objective: 'regression' }, maxRounds: 5000, earlyStoppingRounds: 125 },
  rows: { training: 2000, validation: 1000 },
  horizons: Array.from({ length: 16 }, (_, h) => ({ horizon: h, iterations: 3, stoppedEarly: true })),
  scores: { model: { perHorizon: perHorizon(0.5), overall: 0.55 }, baseline: { perHorizon: perHorizon(0.6), overall: 0.65 }, improvement: 1 - 0.55 / 0.65 },
  parity: { rows: 1000, rowsWithNaN: 10, rowsWithZero: 5, maxAbsDiff: 1e-6, tolerance: 1e-4 },
  featureCount: 631,
  seconds: 12.5,
  files: {},
};
const curves = Array.from({ length: 16 }, () => [0.49, 0.36, 0.25]);

describe('trackingRecord', () => {
  const record = trackingRecord({ manifest, learningCurves: { horizons: curves }, featureSpec: { ...featureSpecDocument() }, report: '# Backtest' });

  it('names the run after the run directory and logs its settings, data window, origins and sizes as params', () => {
    expect(record.runName).toBe(manifest.runId);
    expect(record.params).toMatchObject({
      'lgbm.learning_rate': '0.02',
      'lgbm.num_leaves': '31',
      'lgbm.objective': 'regression',
      max_rounds: '5000',
      early_stopping_rounds: '125',
      'data_window.from': '2016-07-12',
      'data_window.to': '2017-08-10',
      'origin.validation': '2017-07-26',
      'origins.training': '2017-07-19,2017-07-12',
      'rows.training': '2000',
      feature_count: '631',
      shelfcast_version: '0.1.0',
      source_commit: 'a'.repeat(40),
      lake: 's3://bucket/lake',
    });
    expect(record.params).not.toHaveProperty('origins.refit');
    expect(record.params).not.toHaveProperty('reference_sample.rows');
  });

  it('logs the reference sample’s size and seed when the run has one', () => {
    const withSample: RunManifest = {
      ...manifest,
      settings: { ...manifest.settings, referenceSample: { rows: 10_000, seed: 7 } },
      rows: { ...manifest.rows, reference: 1000 },
    };
    const { params } = trackingRecord({ manifest: withSample, learningCurves: { horizons: curves }, featureSpec: { ...featureSpecDocument() }, report: '# Backtest' });
    expect(params).toMatchObject({ 'reference_sample.rows': '10000', 'reference_sample.seed': '7', 'rows.reference': '1000' });
  });

  it('logs overall and per-horizon scores of model and baseline, and the curves as NWRMSLE by round, all at the run’s time', () => {
    const byKey = new Map(record.metrics.filter((m) => m.step === 0).map((m) => [m.key, m.value]));
    expect(byKey.get(METRIC_KEYS.model)).toBe(0.55);
    expect(byKey.get(METRIC_KEYS.baseline)).toBe(0.65);
    expect(byKey.get('nwrmsle_h15')).toBeCloseTo(0.65, 12);
    expect(byKey.get('baseline_nwrmsle_h00')).toBe(0.6);
    expect(byKey.get('trees_h07')).toBe(3);
    const curve = record.metrics.filter((m) => m.key === 'curve_nwrmsle_h03');
    expect(curve.map((m) => [m.step, m.value])).toEqual([[1, 0.7], [2, 0.6], [3, 0.5]]);
    expect(new Set(record.metrics.map((m) => m.timestamp))).toEqual(new Set([Date.parse(manifest.createdAt)]));
    expect(record.metrics).toHaveLength(5 + 16 * 3 + 16 * 3);
  });

  it('tags the run id, lake and data window, the source commit, and the report as the description', () => {
    expect(record.tags).toMatchObject({
      [TRACKING_TAGS.runId]: manifest.runId,
      [TRACKING_TAGS.lake]: 's3://bucket/lake',
      [TRACKING_TAGS.dataWindow]: '2016-07-12..2017-08-10',
      'mlflow.source.git.commit': 'a'.repeat(40),
      'mlflow.note.content': '# Backtest',
    });
  });

  it('hashes the feature set, not the run’s category codes or origins', () => {
    const spec = { ...featureSpecDocument() };
    expect(featureSpecHash({ ...spec, categories: { city: ['A'] }, origins: { test: 'x' } })).toBe(featureSpecHash(spec));
    expect(featureSpecHash({ ...spec, features: spec.features.slice(1) })).not.toBe(featureSpecHash(spec));
  });
});

describe('learningCurvesSvg', () => {
  it('draws one line per horizon and the reference lines, escaping text', () => {
    const svg = learningCurvesSvg({ title: 'run <a> & "b"', curves: [[0.7, 0.6], [0.8, Number.NaN, 0.5]], references: [{ label: 'baseline', value: 0.9 }] });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>\n/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('run &lt;a&gt; &amp; &quot;b&quot;');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    // The NaN of the second curve is left out: two points remain.
    expect(svg).toMatch(/<polyline [^>]*points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"><title>horizon 1<\/title>/);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
