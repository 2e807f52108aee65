/**
 * Scores a trained run on the 16 days after the training data, against the actual sales of the generator's
 * daily drops: the honest test of a run, since at the test origin the future promotions come from the plan,
 * as they will in production. The model's submission (`shelfcast predict`) and the 14-day-mean baseline's are
 * scored with the Kaggle metric over every test row (cold-start pairs forecast 0).
 *
 * Usage: node --import tsx bench/test-period.ts --data DIR --lake DIR --run DIR
 *   DIR of --data holds test.csv, items.csv and daily/train_YYYY-MM-DD.csv (`data generate --daily 16`).
 * Prints the table and writes bench/out/test-period-<run id>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDbSession, sqlString } from '../core/duckdb-session.js';
import { LocalLake } from '../core/storage/local-lake.js';
import { buildFeatures, stagingTablesFromLake } from '../pipelines/features/index.js';
import { predictSubmission } from '../serving/submission/predict-submission.js';
import { BASELINE_FEATURE } from '../training/evaluation/index.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, lake: { type: 'string' }, run: { type: 'string' } } });
if (!values.data || !values.lake || !values.run) throw new Error('usage: bench/test-period.ts --data DIR --lake DIR --run DIR');
const out = join('bench', 'out');
mkdirSync(out, { recursive: true });
const cacheDir = join(out, 'cache');
const lake = new LocalLake(values.lake);
const modelCsv = join(out, 'test-period-model.csv');
const report = await predictSubmission({ runDir: values.run, testFile: join(values.data, 'test.csv'), out: modelCsv }, { lake, cacheDir });

// The baseline's forecast per pair: expm1 of the mean log1p sales of the 14 days before the origin.
const features = await buildFeatures(await stagingTablesFromLake(lake, report.origin), { origin: report.origin }, { cacheDir });
const column = features.featureNames.indexOf(BASELINE_FEATURE);
const width = features.featureNames.length;
const baselineCsv = join(out, 'test-period-baseline-pairs.csv');
const lines = ['store_nbr,item_nbr,unit_sales'];
for (let r = 0; r < features.rows; r++) lines.push(`${features.storeNbr[r]},${features.itemNbr[r]},${Math.expm1(features.values[r * width + column])}`);
writeFileSync(baselineCsv, `${lines.join('\n')}\n`);

const db = await DuckDbSession.open({ memoryLimit: '2GB', threads: 2, tempDirectory: join(cacheDir, 'test-period') });
const csv = (path: string): string => `read_csv(${sqlString(path)}, header = true)`;
const scores = await db.rows<{ h: number; model: number; baseline: number; rows: string }>(`
  WITH actual AS (SELECT date, store_nbr, item_nbr, sum(unit_sales) AS sales FROM ${csv(join(values.data, 'daily', 'train_*.csv'))} GROUP BY ALL),
       cells AS (
         SELECT date_diff('day', DATE ${sqlString(report.origin)}, t.date) AS h,
                CASE WHEN i.perishable = 1 THEN 1.25 ELSE 1.0 END AS w,
                ln(1 + greatest(coalesce(a.sales, 0), 0)) AS y,
                ln(1 + greatest(m.unit_sales, 0)) AS model,
                ln(1 + greatest(coalesce(b.unit_sales, 0), 0)) AS baseline
         FROM ${csv(join(values.data, 'test.csv'))} t
         JOIN ${csv(modelCsv)} m USING (id)
         JOIN ${csv(join(values.data, 'items.csv'))} i USING (item_nbr)
         LEFT JOIN ${csv(baselineCsv)} b USING (store_nbr, item_nbr)
         LEFT JOIN actual a USING (date, store_nbr, item_nbr))
  SELECT h::INTEGER AS h, sqrt(sum(w * (model - y) ^ 2) / sum(w)) AS model, sqrt(sum(w * (baseline - y) ^ 2) / sum(w)) AS baseline, count(*)::VARCHAR AS rows
  FROM cells GROUP BY ROLLUP (h) ORDER BY h NULLS LAST`);
db.close();
lake.close();

const pct = (m: number, b: number): string => `${(100 * (1 - m / b)).toFixed(1)}%`;
console.log(`Test period from ${report.origin}, run ${report.runId}: ${report.rows} test rows, ${report.coldStartRows} cold-start rows`);
console.log('| horizon | model | baseline | improvement |\n| ---: | ---: | ---: | ---: |');
for (const s of scores) console.log(`| ${s.h ?? 'all'} | ${s.model.toFixed(4)} | ${s.baseline.toFixed(4)} | ${pct(s.model, s.baseline)} |`);
writeFileSync(join(out, `test-period-${report.runId}.json`), `${JSON.stringify({ origin: report.origin, runId: report.runId, scores }, null, 2)}\n`);
