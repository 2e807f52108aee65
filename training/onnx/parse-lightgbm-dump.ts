import { z } from 'zod';
import { TrainingError } from '../../core/errors.js';
import type { LightGbmModel, LightGbmNode } from './lightgbm-tree.js';

// The parts of LightGBM's JSON dump (LGBM_BoosterDumpModel, Python `Booster.dump_model()`) that prediction
// depends on; other keys (gains, counts, feature_infos, importances) are ignored.
const dumpSchema = z.object({
  name: z.literal('tree'),
  num_class: z.number().int(),
  num_tree_per_iteration: z.number().int(),
  max_feature_idx: z.number().int().nonnegative(),
  objective: z.string().optional(),
  average_output: z.boolean().optional(),
  feature_names: z.array(z.string()),
  tree_info: z.array(
    z.object({
      tree_index: z.number().int().nonnegative(),
      num_cat: z.number().int().nonnegative().optional(),
      tree_structure: z.record(z.string(), z.unknown()),
    }),
  ),
});

const splitSchema = z.object({
  split_index: z.number().int().optional(),
  split_feature: z.number().int().nonnegative(),
  threshold: z.number(),
  decision_type: z.literal('<='),
  default_left: z.boolean(),
  missing_type: z.enum(['None', 'Zero', 'NaN']),
  left_child: z.record(z.string(), z.unknown()),
  right_child: z.record(z.string(), z.unknown()),
});

const leafSchema = z.object({
  leaf_index: z.number().int().optional(),
  leaf_value: z.number(),
});

/** Where a parse problem sits, for messages: "h03: tree 12, split 4". */
interface Place {
  source: string;
  tree: number;
}

function fail(place: Place, what: string | null, message: string, cause?: unknown): never {
  const where = what === null ? `tree ${place.tree}` : `tree ${place.tree}, ${what}`;
  throw new TrainingError(`${place.source}: ${where}: ${message}`, cause === undefined ? {} : { cause });
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`).join('; ');
}

function parseNode(raw: Record<string, unknown>, place: Place, numFeatures: number, what: string): LightGbmNode {
  if ('split_feature' in raw) {
    const label = typeof raw.split_index === 'number' ? `split ${raw.split_index}` : what;
    if (raw.decision_type === '==') {
      fail(place, label, 'categorical split: shelfcast exports numerical splits only (features are label-encoded numbers; train without categorical_feature)');
    }
    const parsed = splitSchema.safeParse(raw);
    if (!parsed.success) fail(place, label, describeIssues(parsed.error), parsed.error);
    const s = parsed.data;
    if (s.split_feature >= numFeatures) {
      fail(place, label, `split_feature ${s.split_feature} is outside the model's ${numFeatures} features`);
    }
    return {
      kind: 'split',
      feature: s.split_feature,
      threshold: s.threshold,
      missingType: s.missing_type,
      defaultLeft: s.default_left,
      left: parseNode(s.left_child, place, numFeatures, `left child of ${label}`),
      right: parseNode(s.right_child, place, numFeatures, `right child of ${label}`),
    };
  }
  const label = typeof raw.leaf_index === 'number' ? `leaf ${raw.leaf_index}` : what;
  if ('leaf_coeff' in raw) {
    fail(place, label, 'linear-tree leaf: shelfcast exports constant leaves only (train with linear_tree=false)');
  }
  const parsed = leafSchema.safeParse(raw);
  if (!parsed.success) fail(place, label, describeIssues(parsed.error), parsed.error);
  return { kind: 'leaf', value: parsed.data.leaf_value };
}

/** Options of `parseLightGbmDump`. */
export interface ParseDumpOptions {
  /** Names the model in error messages, e.g. "h03"; "LightGBM model" by default. */
  source?: string;
}

/**
 * Parses LightGBM's JSON model dump (the text, or the object JSON.parse made of it) into typed trees.
 * Throws a TrainingError naming the source, tree and node for anything that is not a single-output model of
 * numerical, constant-leaf trees.
 */
export function parseLightGbmDump(dump: unknown, options: ParseDumpOptions = {}): LightGbmModel {
  const source = options.source ?? 'LightGBM model';
  let json: unknown = dump;
  if (typeof dump === 'string') {
    try {
      json = JSON.parse(dump);
    } catch (err) {
      throw new TrainingError(`${source}: the model dump is not JSON (${(err as Error).message})`, { cause: err });
    }
  }
  const parsed = dumpSchema.safeParse(json);
  if (!parsed.success) {
    throw new TrainingError(`${source}: not a LightGBM JSON model dump: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  }
  const d = parsed.data;
  if (d.num_class !== 1 || d.num_tree_per_iteration !== 1) {
    throw new TrainingError(
      `${source}: ${d.num_class} classes and ${d.num_tree_per_iteration} trees per iteration; only single-output models (regression) are supported`,
    );
  }
  const numFeatures = d.max_feature_idx + 1;
  if (d.feature_names.length !== numFeatures) {
    throw new TrainingError(`${source}: ${d.feature_names.length} feature names for max_feature_idx ${d.max_feature_idx}`);
  }
  if (d.average_output) {
    throw new TrainingError(`${source}: average_output is set (random-forest boosting); only summed trees are supported`);
  }
  const trees = d.tree_info.map((info) => {
    const place = { source, tree: info.tree_index };
    if ((info.num_cat ?? 0) > 0) {
      fail(place, null, `${info.num_cat} categorical splits: shelfcast exports numerical splits only (features are label-encoded numbers; train without categorical_feature)`);
    }
    return parseNode(info.tree_structure, place, numFeatures, 'root');
  });
  return { featureNames: d.feature_names, objective: d.objective ?? '', trees };
}
