import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { DataError, UsageError } from '../../core/errors.js';
import type { ReferenceSample } from './reference-sample.js';
import { writeReferenceSample } from './write-reference-sample.js';

/** File names inside a run directory (DESIGN.md, Model bundle). */
export const RUN_FILES = {
  manifest: 'run.json',
  onnx: 'model.onnx',
  featureSpec: 'feature_spec.json',
  metrics: 'metrics.json',
  learningCurves: 'learning_curves.json',
  report: 'report.md',
  /** A seeded sample of the validation rows with the model's forecasts, the reference of drift monitoring. */
  referenceSample: 'reference_sample.parquet',
} as const;

/** `lightgbm/h00.txt` … `lightgbm/h15.txt`. */
export function boosterFile(horizon: number): string {
  return `lightgbm/h${String(horizon).padStart(2, '0')}.txt`;
}

const scoresSchema = z.object({ perHorizon: z.array(z.number()), overall: z.number() });

/** run.json: what the run is, where its data came from, how it scored; written last, so its presence means complete. */
export const runManifestSchema = z.object({
  format: z.literal('shelfcast-run'),
  formatVersion: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  shelfcastVersion: z.string(),
  /** The commit of the source tree that trained the run, when it ran from a checkout. */
  sourceCommit: z.string().optional(),
  lake: z.string(),
  lastObservedDay: z.string(),
  origins: z.object({
    test: z.string(),
    validation: z.string(),
    training: z.array(z.string()),
    refit: z.array(z.string()).optional(),
  }),
  /** First and last day of sales the run read. */
  dataWindow: z.object({ from: z.string(), to: z.string() }),
  settings: z.object({
    params: z.record(z.string(), z.unknown()),
    maxRounds: z.number(),
    earlyStoppingRounds: z.number(),
    /** Most rows of the reference sample and the seed that picks them (absent in runs without a sample). */
    referenceSample: z.object({ rows: z.number(), seed: z.number() }).optional(),
  }),
  rows: z.object({ training: z.number(), validation: z.number(), refit: z.number().optional(), reference: z.number().optional() }),
  horizons: z.array(
    z.object({ horizon: z.number(), iterations: z.number(), stoppedEarly: z.boolean(), refitIterations: z.number().optional() }),
  ),
  scores: z.object({ model: scoresSchema, baseline: scoresSchema, improvement: z.number() }),
  parity: z.object({
    rows: z.number(),
    rowsWithNaN: z.number(),
    rowsWithZero: z.number(),
    maxAbsDiff: z.number(),
    tolerance: z.number(),
  }),
  featureCount: z.number(),
  /** Whether promotion plans covered the forecast days of the training and validation origins (absent in early runs). */
  pastPromotionPlans: z.boolean().optional(),
  seconds: z.number(),
  /** sha256 of every other file of the run, by relative path. */
  files: z.record(z.string(), z.string()),
});

export type RunManifest = z.infer<typeof runManifestSchema>;

/** Everything a run directory holds, in memory. */
export interface RunBundleContents {
  readonly manifest: Omit<RunManifest, 'files'>;
  readonly onnx: Uint8Array;
  /** Model text of each horizon, h = 0 … 15. */
  readonly modelTexts: readonly string[];
  readonly featureSpec: unknown;
  readonly metrics: unknown;
  readonly learningCurves: unknown;
  readonly report: string;
  /** MLmodel and its environment files (see mlflowModelFiles), by file name. */
  readonly mlflowModel: Readonly<Record<string, string>>;
  /** Written as RUN_FILES.referenceSample. */
  readonly referenceSample: ReferenceSample;
}

export interface RunBundleDeps {
  /** DuckDB's scratch space while it writes the reference sample. */
  readonly cacheDir: string;
}

/**
 * Writes a run directory at `dir` (which must not exist): everything goes into a hidden sibling first and is
 * renamed into place at the end, run.json written last, so a run directory is either complete or absent. With its
 * MLmodel file the directory is also an MLflow model.
 */
export async function writeRunBundle(dir: string, contents: RunBundleContents, deps: RunBundleDeps): Promise<RunManifest> {
  if (existsSync(dir)) throw new UsageError(`${dir} already exists; a run directory is never overwritten`);
  await mkdir(dirname(dir), { recursive: true });
  const temp = join(dirname(dir), `.${basename(dir)}.${randomBytes(4).toString('hex')}.partial`);
  const files: Record<string, string> = {};
  const put = async (path: string, data: string | Uint8Array): Promise<void> => {
    await mkdir(dirname(join(temp, path)), { recursive: true });
    await writeFile(join(temp, path), data);
    files[path] = sha256(data);
  };
  try {
    await put(RUN_FILES.onnx, contents.onnx);
    for (const [h, text] of contents.modelTexts.entries()) await put(boosterFile(h), text);
    await put(RUN_FILES.featureSpec, json(contents.featureSpec));
    await put(RUN_FILES.metrics, json(contents.metrics));
    await put(RUN_FILES.learningCurves, json(contents.learningCurves));
    await put(RUN_FILES.report, contents.report);
    for (const [name, text] of Object.entries(contents.mlflowModel)) await put(name, text);
    const reference = join(temp, RUN_FILES.referenceSample);
    await writeReferenceSample(reference, contents.referenceSample, deps);
    files[RUN_FILES.referenceSample] = sha256(await readFile(reference));
    const manifest: RunManifest = { ...contents.manifest, files };
    await writeFile(join(temp, RUN_FILES.manifest), json(manifest));
    await rename(temp, dir);
    return manifest;
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}

/** A run directory read back: its manifest, checked, and where its files are. */
export interface RunBundle {
  readonly dir: string;
  readonly manifest: RunManifest;
  path(file: string): string;
}

/** Opens a run directory, checking the manifest and that every listed file is present and unchanged. */
export async function readRunBundle(dir: string): Promise<RunBundle> {
  const manifestPath = join(dir, RUN_FILES.manifest);
  if (!existsSync(manifestPath)) {
    throw new UsageError(`${dir} is not a complete shelfcast run directory: ${RUN_FILES.manifest} is missing`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (cause) {
    throw new DataError('cannot parse it as JSON', { file: manifestPath }, { cause });
  }
  const parsed = runManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`field ${issue.path.join('.') || '(root)'}: ${issue.message}`, { file: manifestPath });
  }
  for (const [path, expected] of Object.entries(parsed.data.files)) {
    const full = join(dir, path);
    if (!existsSync(full)) throw new DataError(`listed in ${RUN_FILES.manifest} but missing`, { file: full });
    if (sha256(await readFile(full)) !== expected) throw new DataError('changed since the run wrote it (sha256 differs)', { file: full });
  }
  return { dir, manifest: parsed.data, path: (file) => join(dir, file) };
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
