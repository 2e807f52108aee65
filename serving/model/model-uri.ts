import { UsageError } from '../../core/errors.js';

/** A registered model version as MLflow names it: `models:/name@alias` (followed) or `models:/name/3` (pinned). */
export type ModelUri =
  | { readonly name: string; readonly alias: string; readonly version?: undefined }
  | { readonly name: string; readonly version: string; readonly alias?: undefined };

// Names as SHELFCAST_MODEL_NAME allows them; aliases as MLflow allows them (letters, digits, "_", "-").
const NAME = '[A-Za-z0-9._-]+';

/** Parses `models:/name@alias` or `models:/name/VERSION`; a UsageError naming the flag otherwise. */
export function parseModelUri(flag: string, value: string): ModelUri {
  const alias = new RegExp(`^models:/(${NAME})@([A-Za-z0-9_-]+)$`).exec(value);
  if (alias) return { name: alias[1], alias: alias[2] };
  const version = new RegExp(`^models:/(${NAME})/([1-9]\\d*)$`).exec(value);
  if (version) return { name: version[1], version: version[2] };
  throw new UsageError(`${flag} ${JSON.stringify(value)}: expected models:/NAME@ALIAS (e.g. models:/favorita-unit-sales@champion) or models:/NAME/VERSION`);
}

/** The URI text of a parsed model URI. */
export function formatModelUri(uri: ModelUri): string {
  return uri.alias !== undefined ? `models:/${uri.name}@${uri.alias}` : `models:/${uri.name}/${uri.version}`;
}
