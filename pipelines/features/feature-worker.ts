/** Worker-thread entry of FeatureThreads: computes the parts of a build it is sent (feature-worker-protocol.ts). */
import { parentPort } from 'node:worker_threads';
import { FeatureRows, writeSeriesRange } from './feature-rows.js';
import type { FeatureWorkerJob, FeatureWorkerReply, GridArrays } from './feature-worker-protocol.js';
import { compileSeriesFeatures } from './series-features.js';
import { SeriesGrid, sumSeries } from './series-grid.js';

const port = parentPort!;
const writeSeries = compileSeriesFeatures();
/** Row buffers this worker may fill, and the batch waiting for one. */
const free: ArrayBuffer[] = [];
let wake: (() => void) | undefined;

port.on('message', (job: FeatureWorkerJob) => {
  if (job.type === 'buffer') {
    free.push(job.buffer);
    wake?.();
    return;
  }
  run(job).then(
    (level) => reply({ type: 'done', level }),
    (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      reply({ type: 'error', message: error.message, stack: error.stack });
    },
  );
});

async function run(job: Exclude<FeatureWorkerJob, { type: 'buffer' }>): Promise<{ grid: GridArrays; rowOf: Int32Array } | undefined> {
  if (job.type === 'sum') {
    const { grid, rowOf } = sumSeries(SeriesGrid.over(job.pairs.series, job.pairs), job.groupOf);
    return { grid: { series: grid.series, x: grid.x, p: grid.p }, rowOf };
  }
  if (job.type === 'series') {
    for (const { grid, from, to, out } of job.ranges) writeSeriesRange(writeSeries, SeriesGrid.over(grid.series, grid), from, to, out);
    return undefined;
  }
  free.push(...job.buffers);
  const rows = new FeatureRows(job.keys, SeriesGrid.over(job.pairs.series, job.pairs), job.attributes, job.levels);
  for (let first = job.from; first < job.to; first += job.batch) {
    const buffer = await freeBuffer();
    const count = Math.min(job.batch, job.to - first);
    rows.fill(first, count, new Float32Array(buffer, 0, count * rows.width));
    port.postMessage({ type: 'rows', first, count, buffer } satisfies FeatureWorkerReply, [buffer]);
  }
  free.length = 0;
  return undefined;
}

async function freeBuffer(): Promise<ArrayBuffer> {
  while (free.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  wake = undefined;
  return free.pop()!;
}

function reply(message: FeatureWorkerReply): void {
  port.postMessage(message);
}
