import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { duckDbTypeOf, readColumn } from '../../core/duckdb-columns.js';
import { sqlIdent, sqlString } from '../../core/duckdb-session.js';
import { DataError } from '../../core/errors.js';
import { withScratchDuckDb } from '../../core/scratch-duckdb.js';
import { LABEL_NAMES } from '../../pipelines/features/index.js';
import { predictionColumn, REFERENCE_KEYS, referenceArrays, referenceLayout, type ReferenceColumn, type ReferenceSample } from './reference-sample.js';
import { RUN_FILES } from './run-bundle.js';

/**
 * The reference sample of a run directory (`reference_sample.parquet`), as typed columns; NULL features come back
 * as NaN. Throws a DataError naming the file when it is missing (runs trained before the sample existed have none)
 * or is not a reference sample: not Parquet, columns other than the layout's, wrong types or NULL keys.
 *
 * @example const sample = await readReferenceSample(runDir, { cacheDir })
 */
export async function readReferenceSample(runDir: string, deps: { readonly cacheDir: string }): Promise<ReferenceSample> {
  const file = join(runDir, RUN_FILES.referenceSample);
  if (!existsSync(file)) throw new DataError('missing: this run has no reference sample for drift (runs trained before it was added lack one)', { file });
  return withScratchDuckDb(deps.cacheDir, 'reference-sample', async (db) => {
    const source = `read_parquet(${sqlString(file)})`;
    let described: { column_name: string; column_type: string }[];
    let rows: number;
    try {
      described = await db.rows(`DESCRIBE SELECT * FROM ${source}`);
      rows = Number((await db.row<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${source}`))?.n);
    } catch (cause) {
      throw new DataError(`cannot read it as Parquet (${(cause as Error).message})`, { file }, { cause });
    }
    const shape = shapeOf(described.map((c) => c.column_name), file);
    const { layout } = shape;
    layout.forEach((c, i) => {
      const expected = duckDbTypeOf(c.type).toString();
      if (described[i].column_type !== expected) throw new DataError(`is ${described[i].column_type}, expected ${expected}`, { file, column: c.name });
    });
    const sample = emptySample(rows, shape);
    const targets = referenceArrays(sample);
    const select = layout.map((c) => (c.type === 'int32' ? sqlIdent(c.name) : `coalesce(${sqlIdent(c.name)}, 'NaN'::${duckDbTypeOf(c.type).toString()})`));
    let at = 0;
    for await (const chunk of db.chunks(`SELECT ${select.join(', ')} FROM ${source}`)) {
      layout.forEach((c, i) => {
        try {
          readColumn(chunk, i, c.type, targets[i] as never, at);
        } catch (cause) {
          throw new DataError((cause as Error).message.replace(/^column \d+ /, ''), { file, column: c.name }, { cause });
        }
      });
      at += chunk.rowCount;
    }
    return sample;
  });
}

/** The shape of a sample file, from its column names. */
interface SampleShape {
  readonly featureNames: readonly string[];
  readonly horizons: number;
  readonly labelled: boolean;
  readonly layout: readonly ReferenceColumn[];
}

/** The shape the file's column names follow, or a DataError at the first column that breaks the layout. */
function shapeOf(names: readonly string[], file: string): SampleShape {
  const malformed = (what: string): DataError => new DataError(`${what} (a reference sample holds store_nbr, item_nbr, the features, pred_h, then y_h and weight)`, { file });
  const firstPrediction = names.indexOf(predictionColumn(0));
  if (firstPrediction < 0) throw malformed(`has no column ${predictionColumn(0)}`);
  const featureNames = names.slice(REFERENCE_KEYS.length, firstPrediction);
  let horizons = 0;
  while (names[firstPrediction + horizons] === predictionColumn(horizons)) horizons++;
  const labelled = names.length > firstPrediction + horizons;
  if (labelled && horizons > LABEL_NAMES.length) throw malformed(`has ${horizons} forecast columns, but labels exist for ${LABEL_NAMES.length} horizons`);
  const layout = referenceLayout(featureNames, horizons, labelled);
  for (let i = 0; i < Math.max(layout.length, names.length); i++) {
    if (names[i] !== layout[i]?.name) throw malformed(`column ${i + 1} is ${names[i] ?? '(none)'}, expected ${layout[i]?.name ?? 'no more columns'}`);
  }
  if (featureNames.length === 0) throw malformed(`has no feature columns before ${predictionColumn(0)}`);
  return { featureNames, horizons, labelled, layout };
}

/** A sample of `rows` rows of the given shape, zero-filled. */
function emptySample(rows: number, shape: SampleShape): ReferenceSample {
  const columns = <T>(count: number, make: (n: number) => T): T[] => Array.from({ length: count }, () => make(rows));
  const floats = (n: number): Float32Array => new Float32Array(n);
  return {
    rows,
    storeNbr: new Int32Array(rows),
    itemNbr: new Int32Array(rows),
    featureNames: shape.featureNames,
    features: columns(shape.featureNames.length, floats),
    predictions: columns(shape.horizons, (n) => new Float64Array(n)),
    actuals: shape.labelled ? { labels: columns(shape.horizons, floats), weight: floats(rows) } : undefined,
  };
}
