/**
 * Quality ceiling of the synthetic data (issue: training). The generator draws every store×item×day cell as a
 * count from (pre-noise rate × log-normal noise), so part of the forecast error is irreducible. This script
 * measures how good a forecast can get: the oracle that knows each cell's true pre-noise rate and predicts
 * E[log1p(Y)], the optimum of the squared log error, integrating exactly over the generator's own noise table
 * (256 equally likely multipliers), the count distribution (Poisson below EXACT_POISSON_LIMIT, the generator's
 * normal table above it), the kilogram jitter of weighed families (all 256 values) and the share of returns
 * (a return row is negative, so its label is 0).
 *
 * Rows and labels are exactly those training scores at the validation origin t = last staged day + 1 − 21: the
 * pairs of the labelled feature table at t, y_h = log1p(max(sales[t+h], 0)), weight 1.25 for perishable items.
 * The oracle and the 14-day-mean baseline are scored with NWRMSLE per horizon and overall; with --run, the model
 * scores of a `shelfcast train` run directory (its metrics.json) are shown next to them.
 *
 * Sanity checks (the rate reproduction is wrong if they fail): the oracle beats the baseline on every horizon;
 * the mean oracle value matches the mean label within noise (z-score from the oracle's own variance), overall
 * and in groups (promoted, weighed, perishable, weekend); the oracle's realised NWRMSLE matches the one its
 * variance predicts.
 *
 * Usage: node --import tsx bench/quality-ceiling.ts --scale small --seed 42 [--lake DIR] [--run DIR] [--cache DIR]
 * Without --lake, bench/out/lake-<scale><seed> is used, generated and ingested with dist/cli first if missing.
 * Results: bench/out/quality-ceiling-<scale>.json and a table on stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalLake } from '../core/storage/local-lake.js';
import { buildFeatures, defaultOrigins, lastStagedSalesDay, PERISHABLE_WEIGHT, stagingTablesFromLake } from '../pipelines/features/index.js';
import { addDays } from '../pipelines/features/iso-date.js';
import { HORIZON_DAYS } from '../pipelines/schema/kaggle-schema.js';
import { dayOf } from '../pipelines/synthetic/day-calendar.js';
import { FAMILY_PROFILES } from '../pipelines/synthetic/family-profiles.js';
import { buildWorld, isoOf, isScaleName, SCALES, weekdayOf } from '../pipelines/synthetic/index.js';
import {
  cellNoiseMultipliers,
  countNormals,
  EXACT_POISSON_LIMIT,
  largeRateCount,
  RETURN_RATE,
  saleMilli,
  SalesDraw,
} from '../pipelines/synthetic/sales-draw.js';
import { fourteenDayMeanForecast, nwrmsle, type HorizonScores } from '../training/evaluation/index.js';

const OUT = join('bench', 'out');
const CLI = ['dist/cli/bin.js'];
/** Poisson terms are summed until the remaining ones are below this (relative to 1) past the mode. */
const POISSON_TAIL = 1e-15;

interface Options {
  readonly scale: keyof typeof SCALES;
  readonly seed: number;
  readonly lake: string;
  readonly run?: string;
  readonly cacheDir: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: 'small' },
      seed: { type: 'string', default: '42' },
      lake: { type: 'string' },
      run: { type: 'string' },
      cache: { type: 'string', default: join('.shelfcast', 'cache') },
    },
  });
  const scale = values.scale ?? 'small';
  if (!isScaleName(scale)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}, got ${scale}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed must be an integer from 0 to 4294967295`);
  return { scale, seed, lake: values.lake ?? join(OUT, `lake-${scale}${seed}`), run: values.run, cacheDir: values.cache ?? join('.shelfcast', 'cache') };
}

/** Generates and ingests the data set of the scale and seed into `lake` with the built CLI, unless it exists. */
function ensureLake(o: Options): void {
  if (existsSync(join(o.lake, '_ledger'))) return;
  const data = join(OUT, `data-${o.scale}${o.seed}`);
  const run = (args: string[]): void => {
    console.error(`$ node ${[...CLI, ...args].join(' ')}`);
    const r = spawnSync('node', [...CLI, ...args], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`command failed (${r.status}): node ${[...CLI, ...args].join(' ')}`);
  };
  run(['data', 'generate', '--scale', o.scale, '--seed', String(o.seed), '--out', data]);
  run(['--lake', o.lake, 'ingest', '--source', data]);
}

/**
 * E[g(Y)] and E[g(Y)²] of a generated cell, g = log1p of its (non-negative) sales, given the pre-noise rate.
 * Weighed items are averaged over the 256 kilogram jitters per count (tables built lazily per kg size).
 */
class CellMoments {
  private readonly noise = cellNoiseMultipliers();
  private readonly normals = countNormals();
  /** Per kgMilli (0 = units): mean over the jitters of log1p(quantity) and of its square, by count. */
  private readonly tables = new Map<number, { m1: number[]; m2: number[] }>();
  private readonly keep = 1 - RETURN_RATE;

  /** [E g, E g²] for a pre-noise rate and an item's grams per purchase (0 for goods sold in units). */
  moments(rate: number, kgMilli: number): [number, number] {
    if (!(rate > 0)) return [0, 0];
    const table = this.table(kgMilli);
    let m1 = 0;
    let m2 = 0;
    for (const multiplier of this.noise) {
      const lambda = rate * multiplier;
      if (lambda < EXACT_POISSON_LIMIT) {
        // Poisson pmf from c = 1: the generator's count is the Poisson quantile of a uniform.
        let term = Math.exp(-lambda);
        for (let c = 1; c < 400; c++) {
          term *= lambda / c;
          if (c >= table.m1.length) this.extend(table, kgMilli, c + 64);
          m1 += term * table.m1[c];
          m2 += term * table.m2[c];
          if (c > lambda && term < POISSON_TAIL) break;
        }
      } else {
        // Normal approximation: the top 12 bits of the hash pick z (ascending in j, so the count is too); in the
        // lowest bin, u < e^-λ sells nothing. Bins are taken a run of equal counts at a time (binary search).
        const { normals } = this;
        const n = normals.length;
        let j = 0;
        while (j < n) {
          const c = largeRateCount(lambda, normals[j]);
          let lo = j + 1;
          let hi = n;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (largeRateCount(lambda, normals[mid]) > c) hi = mid;
            else lo = mid + 1;
          }
          const p = (lo - j) / n - (j === 0 ? Math.min(1 / n, Math.exp(-lambda)) : 0);
          if (c >= table.m1.length) this.extend(table, kgMilli, c + 64);
          m1 += p * table.m1[c];
          m2 += p * table.m2[c];
          j = lo;
        }
      }
    }
    const scale = this.keep / this.noise.length;
    return [m1 * scale, m2 * scale];
  }

  private table(kgMilli: number): { m1: number[]; m2: number[] } {
    let table = this.tables.get(kgMilli);
    if (!table) {
      table = { m1: [0], m2: [0] };
      this.tables.set(kgMilli, table);
      this.extend(table, kgMilli, 64);
    }
    return table;
  }

  private extend(table: { m1: number[]; m2: number[] }, kgMilli: number, size: number): void {
    for (let c = table.m1.length; c < size; c++) {
      let s1 = 0;
      let s2 = 0;
      const jitters = kgMilli > 0 ? 256 : 1;
      for (let b = 0; b < jitters; b++) {
        const g = Math.log1p(saleMilli(c, kgMilli, b / 255) / 1000);
        s1 += g;
        s2 += g * g;
      }
      table.m1.push(s1 / jitters);
      table.m2.push(s2 / jitters);
    }
  }
}

/** Mean label vs mean oracle over a group of cells, with the z-score from the oracle's own variance. */
interface GroupCheck {
  readonly group: string;
  readonly cells: number;
  readonly meanLabel: number;
  readonly meanOracle: number;
  readonly z: number;
}

class GroupAccumulator {
  cells = 0;
  label = 0;
  oracle = 0;
  variance = 0;
  add(label: number, oracle: number, variance: number): void {
    this.cells++;
    this.label += label;
    this.oracle += oracle;
    this.variance += variance;
  }
  result(group: string): GroupCheck {
    const n = Math.max(this.cells, 1);
    return {
      group,
      cells: this.cells,
      meanLabel: this.label / n,
      meanOracle: this.oracle / n,
      z: (this.label - this.oracle) / Math.sqrt(Math.max(this.variance, 1e-300)),
    };
  }
}

interface RunScores {
  readonly dir: string;
  readonly model: HorizonScores;
  readonly baseline?: HorizonScores;
}

function readRun(dir: string, origin: string): RunScores {
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as {
    validationOrigin?: string;
    model?: HorizonScores;
    baseline?: HorizonScores;
  };
  if (!metrics.model) throw new Error(`${dir}/metrics.json has no model scores`);
  if (metrics.validationOrigin !== origin) {
    console.error(`warning: the run was validated at ${metrics.validationOrigin}, this bench at ${origin}`);
  }
  return { dir, model: metrics.model, baseline: metrics.baseline };
}

const fmt = (x: number | undefined, digits = 4): string => (x === undefined ? '—' : x.toFixed(digits));
const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);

async function main(): Promise<void> {
  const o = parseOptions();
  ensureLake(o);
  const lake = new LocalLake(o.lake);
  const last = await lastStagedSalesDay(lake);
  if (!last) throw new Error(`${o.lake} holds no staged sales`);
  const origin = defaultOrigins(last).validation;
  const started = performance.now();
  console.error(`[${o.scale}/${o.seed}] features at ${origin} (last staged day ${last}) from ${o.lake}`);
  const table = await buildFeatures(await stagingTablesFromLake(lake, origin), { origin, labels: true }, { cacheDir: o.cacheDir, duckdb: { threads: 1 } });
  const labels = table.labels!;
  const weight = table.weight!;
  const H = HORIZON_DAYS;
  const featureSeconds = (performance.now() - started) / 1000;

  // The world of the same scale and seed, and each row's (store index, carried position, item index).
  const world = buildWorld(SCALES[o.scale], o.seed);
  if (isoOf(world.endDay) !== last) throw new Error(`the lake ends on ${last}, the ${o.scale} world on ${isoOf(world.endDay)}`);
  const storeIndex = new Map(world.stores.map((st, s) => [st.storeNbr, s]));
  const carriedAt = world.stores.map((_, s) => new Map(Array.from(world.assortment.carried[s], (i, k) => [world.items[i].itemNbr, k])));
  const rowStore = new Int32Array(table.rows);
  const rowPos = new Int32Array(table.rows);
  const rowItem = new Int32Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    const s = storeIndex.get(table.storeNbr[r]);
    const k = s === undefined ? undefined : carriedAt[s].get(table.itemNbr[r]);
    if (s === undefined || k === undefined) {
      throw new Error(`pair (${table.storeNbr[r]}, ${table.itemNbr[r]}) is not carried in the ${o.scale} world of seed ${o.seed}: wrong seed or scale?`);
    }
    const i = world.assortment.carried[s][k];
    const expected = world.items[i].perishable ? PERISHABLE_WEIGHT : 1;
    if (weight[r] !== expected) throw new Error(`weight ${weight[r]} of item ${table.itemNbr[r]} does not match the world's perishable flag`);
    rowStore[r] = s;
    rowPos[r] = k;
    rowItem[r] = i;
  }

  // The oracle: E[log1p(Y)] per cell, and its variance for the sanity checks.
  const draw = new SalesDraw(world);
  const moments = new CellMoments();
  const kgMilli = Float64Array.from(world.items, (it) => 1000 * FAMILY_PROFILES[it.familyIndex].kgPerPurchase);
  const oracle = new Float64Array(table.rows * H);
  const variance = new Float64Array(table.rows * H);
  const groups = new Map<string, GroupAccumulator>();
  const group = (name: string): GroupAccumulator => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = new GroupAccumulator()));
    return g;
  };
  const perHorizonMeans = Array.from({ length: H }, () => new GroupAccumulator());
  const oracleStarted = performance.now();
  for (let h = 0; h < H; h++) {
    const day = dayOf(addDays(origin, h));
    draw.prepareDay(day);
    const weekend = weekdayOf(day) === 0 || weekdayOf(day) === 6;
    for (let r = 0; r < table.rows; r++) {
      const s = rowStore[r];
      const i = rowItem[r];
      const [m1, m2] = moments.moments(draw.expectedRate(s, rowPos[r]), kgMilli[i]);
      const at = r * H + h;
      const v = Math.max(0, m2 - m1 * m1);
      oracle[at] = m1;
      variance[at] = v;
      const y = labels[at];
      group('all').add(y, m1, v);
      group(draw.isPromoted(s, i) ? 'promoted' : 'not promoted').add(y, m1, v);
      group(kgMilli[i] > 0 ? 'weighed families' : 'unit families').add(y, m1, v);
      if (world.items[i].perishable) group('perishable').add(y, m1, v);
      group(weekend ? 'weekend days' : 'weekdays').add(y, m1, v);
      perHorizonMeans[h].add(y, m1, v);
    }
  }
  const oracleSeconds = (performance.now() - oracleStarted) / 1000;

  const baselineForecast = fourteenDayMeanForecast(table, H);
  const score = (predicted: ArrayLike<number>): HorizonScores => nwrmsle({ rows: table.rows, horizons: H, predicted, actual: labels, weight });
  const oracleScores = score(oracle);
  const baselineScores = score(baselineForecast);
  // What the oracle's NWRMSLE should be if the rates are right: sqrt(Σ w·Var / Σ w).
  const weightSum = weight.reduce((a, b) => a + b, 0);
  const expectedPerHorizon = Array.from({ length: H }, (_, h) => {
    let sum = 0;
    for (let r = 0; r < table.rows; r++) sum += weight[r] * variance[r * H + h];
    return Math.sqrt(sum / weightSum);
  });
  const expectedOverall = Math.sqrt(expectedPerHorizon.reduce((a, e) => a + e * e, 0) / H);
  const run = o.run ? readRun(o.run, origin) : undefined;

  const horizons = Array.from({ length: H }, (_, h) => ({
    horizon: h,
    date: addDays(origin, h),
    oracle: oracleScores.perHorizon[h],
    baseline: baselineScores.perHorizon[h],
    improvement: 1 - oracleScores.perHorizon[h] / baselineScores.perHorizon[h],
    oracleExpected: expectedPerHorizon[h],
    meanLabel: perHorizonMeans[h].result('').meanLabel,
    meanOracle: perHorizonMeans[h].result('').meanOracle,
    meanZ: perHorizonMeans[h].result('').z,
    model: run?.model.perHorizon[h],
    modelImprovement: run ? 1 - run.model.perHorizon[h] / baselineScores.perHorizon[h] : undefined,
  }));
  const overall = {
    oracle: oracleScores.overall,
    baseline: baselineScores.overall,
    improvement: 1 - oracleScores.overall / baselineScores.overall,
    oracleExpected: expectedOverall,
    model: run?.model.overall,
    modelImprovement: run ? 1 - run.model.overall / baselineScores.overall : undefined,
    /** Share of the achievable improvement over the baseline that the model reaches. */
    modelShareOfCeiling: run ? (1 - run.model.overall / baselineScores.overall) / (1 - oracleScores.overall / baselineScores.overall) : undefined,
  };
  const groupChecks = [...groups.entries()].map(([name, g]) => g.result(name));
  const runBaselineDiff = run?.baseline ? Math.max(...run.baseline.perHorizon.map((b, h) => Math.abs(b - baselineScores.perHorizon[h]))) : undefined;
  const sanity = {
    oracleBeatsBaselineEveryHorizon: horizons.every((x) => x.oracle < x.baseline),
    meanLabel: groups.get('all')!.result('all').meanLabel,
    meanOracle: groups.get('all')!.result('all').meanOracle,
    meanZ: groups.get('all')!.result('all').z,
    groups: groupChecks,
    /** Realised vs variance-predicted oracle NWRMSLE, overall. */
    oracleRealised: oracleScores.overall,
    oracleExpected: expectedOverall,
    /** Largest per-horizon difference between this baseline and the run's (same lake → 0 up to float32). */
    runBaselineMaxDiff: runBaselineDiff,
  };

  const result = {
    scale: o.scale,
    seed: o.seed,
    lake: o.lake,
    run: o.run,
    origin,
    lastObservedDay: last,
    rows: table.rows,
    cells: table.rows * H,
    seconds: { features: featureSeconds, oracle: oracleSeconds },
    overall,
    horizons,
    sanity,
  };
  mkdirSync(OUT, { recursive: true });
  const outFile = join(OUT, `quality-ceiling-${o.scale}.json`);
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);

  const lines: string[] = [];
  lines.push(`## Quality ceiling: ${o.scale}, seed ${o.seed}, validation origin ${origin} (${table.rows} pairs × ${H} days)`);
  lines.push('');
  lines.push('| h | date | oracle | baseline | oracle vs baseline | model | model vs baseline |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const x of horizons) {
    lines.push(`| ${x.horizon} | ${x.date} | ${fmt(x.oracle)} | ${fmt(x.baseline)} | ${pct(x.improvement)} | ${fmt(x.model)} | ${pct(x.modelImprovement)} |`);
  }
  lines.push(
    `| all | | **${fmt(overall.oracle)}** | **${fmt(overall.baseline)}** | **${pct(overall.improvement)}** | ${fmt(overall.model)} | ${pct(overall.modelImprovement)} |`,
  );
  if (run) lines.push('', `Model (${run.dir}) reaches ${pct(overall.modelShareOfCeiling)} of the oracle's improvement over the baseline.`);
  lines.push('');
  lines.push('Sanity checks:');
  lines.push(`- oracle below the baseline on every horizon: ${sanity.oracleBeatsBaselineEveryHorizon ? 'yes' : 'NO'}`);
  lines.push(`- oracle NWRMSLE realised ${fmt(sanity.oracleRealised)} vs predicted from its own variance ${fmt(sanity.oracleExpected)}`);
  lines.push(`- mean label vs mean oracle (z from the oracle variance):`);
  for (const g of groupChecks) {
    lines.push(`  - ${g.group.padEnd(16)} ${String(g.cells).padStart(8)} cells: label ${fmt(g.meanLabel, 5)}, oracle ${fmt(g.meanOracle, 5)}, z ${g.z.toFixed(2)}`);
  }
  lines.push(`  - per horizon z: ${horizons.map((x) => x.meanZ.toFixed(1)).join(' ')}`);
  if (runBaselineDiff !== undefined) lines.push(`- run baseline vs this baseline, largest per-horizon difference: ${runBaselineDiff.toExponential(2)}`);
  lines.push('', `Features ${featureSeconds.toFixed(1)} s, oracle ${oracleSeconds.toFixed(1)} s. Written ${outFile}.`);
  console.log(lines.join('\n'));
}

await main();
