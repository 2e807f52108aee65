/**
 * Generation and ingestion benchmark (issue: foundation). For each scale: generate the data set, ingest it into
 * a fresh lake, and load the same train file with pandas (dtypes downcast) in the same run; report rows/s, peak
 * RSS and the ratios. Usage: node --import tsx bench/ingest.ts [--scales medium,full] [--keep]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { measure, type Measurement } from './measure.js';

const args = process.argv.slice(2);
const scales = (args.includes('--scales') ? args[args.indexOf('--scales') + 1] ?? '' : 'medium,full').split(',').filter(Boolean);
const keep = args.includes('--keep');
const out = join('bench', 'out');
mkdirSync(out, { recursive: true });

const cli = ['node', 'dist/cli/bin.js'];
const python = join('.venv', 'bin', 'python');

interface ScaleResult {
  scale: string;
  trainRows: number;
  generate: Measurement;
  ingest: Measurement;
  pandas: Measurement;
}

const results: ScaleResult[] = [];
for (const scale of scales) {
  const dataDir = join(out, `data-${scale}`);
  const lakeDir = join(out, `lake-${scale}`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(lakeDir, { recursive: true, force: true });

  console.error(`[${scale}] generating`);
  const generate = measure([...cli, '--json', '--log-level', 'warn', 'data', 'generate', '--scale', scale, '--seed', '7', '--out', dataDir]);
  const trainRows = trainRowsOf(generate.stdout);

  console.error(`[${scale}] pandas read_csv (${trainRows} rows)`);
  const pandas = measure([python, 'bench/peers/pandas_read_csv.py', join(dataDir, 'train.csv')]);
  const pandasRows = Number(pandas.stdout.trim().split(' ')[0]);
  if (pandasRows !== trainRows) throw new Error(`pandas read ${pandasRows} rows, the generator wrote ${trainRows}`);

  console.error(`[${scale}] shelfcast ingest`);
  const ingest = measure([...cli, '--json', '--log-level', 'warn', '--lake', lakeDir, 'ingest', '--source', dataDir]);

  results.push({ scale, trainRows, generate, ingest, pandas });
  if (!keep) {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(lakeDir, { recursive: true, force: true });
  }
}

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const rate = (rows: number, m: Measurement) => `${(rows / m.seconds / 1e6).toFixed(2)}M`;
const lines = [
  `Machine: ${machine}`,
  '',
  '| scale | train rows | generate s (rows/s, peak MB) | ingest s (rows/s, peak MB) | pandas read_csv s (rows/s, peak MB) | speed: pandas s ÷ ingest s | memory: ingest peak ÷ pandas peak |',
  '| --- | ---: | --- | --- | --- | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.scale} | ${r.trainRows.toLocaleString('en-US')} | ${r.generate.seconds.toFixed(1)} (${rate(r.trainRows, r.generate)}, ${r.generate.peakRssMb.toFixed(0)}) | ` +
      `${r.ingest.seconds.toFixed(1)} (${rate(r.trainRows, r.ingest)}, ${r.ingest.peakRssMb.toFixed(0)}) | ` +
      `${r.pandas.seconds.toFixed(1)} (${rate(r.trainRows, r.pandas)}, ${r.pandas.peakRssMb.toFixed(0)}) | ` +
      `${(r.pandas.seconds / r.ingest.seconds).toFixed(2)} | ${(r.ingest.peakRssMb / r.pandas.peakRssMb).toFixed(2)} |`,
  ),
];
writeFileSync(join(out, 'ingest.json'), JSON.stringify({ machine, results }, null, 2));
console.log(lines.join('\n'));

function trainRowsOf(stdout: string): number {
  const summary: unknown = JSON.parse(stdout);
  const files = (summary as { files?: { kind?: string; name?: string; rows?: number }[] }).files ?? [];
  const train = files.find((f) => f.kind === 'train' || f.name === 'train.csv');
  if (!train?.rows) throw new Error(`cannot find the train row count in the generator's --json output: ${stdout.slice(0, 500)}`);
  return train.rows;
}
