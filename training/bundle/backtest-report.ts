import type { HorizonScores } from '../evaluation/index.js';

/** What the backtest report describes. */
export interface BacktestSummary {
  readonly runId: string;
  readonly validationOrigin: string;
  readonly trainingOrigins: readonly string[];
  readonly refitOrigins?: readonly string[];
  readonly validationRows: number;
  readonly trainingRows: number;
  readonly model: HorizonScores;
  readonly baseline: HorizonScores;
  readonly iterations: readonly number[];
  readonly parityMaxAbsDiff: number;
  /** Whether the lake held promotion plans for the origins' forecast days (else promotions come from sales rows). */
  readonly pastPromotionPlans: boolean;
  /** The run's reference sample for drift: its file, rows drawn from the validation rows, and seed. */
  readonly referenceSample: { readonly file: string; readonly rows: number; readonly seed: number };
}

/** 1 − model ÷ baseline: the share of the baseline's error the model removes. */
export function improvementOver(model: number, baseline: number): number {
  return baseline > 0 ? 1 - model / baseline : 0;
}

/** The backtest report (report.md): scores per horizon of the model and the 14-day-mean baseline. */
export function formatBacktestReport(s: BacktestSummary): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `# Backtest of run ${s.runId}`,
    '',
    `Validation origin ${s.validationOrigin} (${s.validationRows.toLocaleString('en-US')} store×item pairs, 16 days from the origin).`,
    `Trained on ${s.trainingOrigins.length} origins (${s.trainingOrigins.join(', ')}; ${s.trainingRows.toLocaleString('en-US')} rows).`,
    s.refitOrigins
      ? `The final boosters were refit on ${s.refitOrigins.join(', ')} with the round counts found here; the scores below are those of the early-stopped boosters.`
      : 'The final boosters are the early-stopped ones scored below.',
    '',
    'NWRMSLE (lower is better); the baseline is the mean of log1p(sales) over the 14 days before the origin.',
    '',
    '| horizon | day | model | baseline | improvement | trees |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
    ...s.model.perHorizon.map(
      (m, h) => `| ${h} | t+${h} | ${m.toFixed(4)} | ${s.baseline.perHorizon[h].toFixed(4)} | ${pct(improvementOver(m, s.baseline.perHorizon[h]))} | ${s.iterations[h]} |`,
    ),
    `| all | | **${s.model.overall.toFixed(4)}** | ${s.baseline.overall.toFixed(4)} | **${pct(improvementOver(s.model.overall, s.baseline.overall))}** | |`,
    '',
    `ONNX parity: max |ONNX − LightGBM| = ${s.parityMaxAbsDiff.toExponential(2)} in log space.`,
    '',
    `Reference sample for drift: \`${s.referenceSample.file}\`, ${s.referenceSample.rows.toLocaleString('en-US')} of the ` +
      `${s.validationRows.toLocaleString('en-US')} validation rows (seed ${s.referenceSample.seed}) with their features, ` +
      'the final boosters’ forecasts (log1p) and the labels.',
    '',
    ...(s.pastPromotionPlans
      ? ['Promotions of the origins’ forecast days come from the promotion plans in the lake, as at the test origin.']
      : [
          'Read these scores as optimistic. The lake holds no promotion plans for these past days, so their',
          'promotion flags are known only on days that sold, whereas at the test origin they come from the plan.',
          'Load past plans (test files of those days) or score the forecast on the test period before relying on it.',
        ]),
    '',
  ];
  return lines.join('\n');
}
