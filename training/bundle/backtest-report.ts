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
    'Read these scores as optimistic. Sales files have rows only for days with sales, so at a past origin the',
    'future promotion flags are known only on days that sold, whereas at the test origin they come from the',
    'promotion plan. Score the forecast on the test period against actual sales before relying on it.',
    '',
  ];
  return lines.join('\n');
}
