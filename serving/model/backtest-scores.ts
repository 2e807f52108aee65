import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import type { BacktestScores } from './model-source.js';

const scores = z.object({ overall: z.number() });

/** The part of a run's metrics.json that serving reports. */
const metricsSchema = z.object({
  metric: z.string(),
  validationOrigin: z.string(),
  model: scores,
  baseline: scores,
  improvement: z.number(),
  horizons: z.array(z.object({ horizon: z.number(), model: z.number(), baseline: z.number() })),
});

/** Backtest scores from a metrics.json file; a DataError naming the file and field when it does not fit. */
export async function readBacktestScores(file: string): Promise<BacktestScores> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new DataError('cannot read it as JSON', { file }, { cause });
  }
  const parsed = metricsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`field ${issue.path.join('.') || '(root)'}: ${issue.message}`, { file });
  }
  const m = parsed.data;
  return {
    metric: m.metric,
    validationOrigin: m.validationOrigin,
    model: m.model.overall,
    baseline: m.baseline.overall,
    improvement: m.improvement,
    perHorizon: m.horizons.map(({ horizon, model, baseline }) => ({ horizon, model, baseline })),
  };
}
