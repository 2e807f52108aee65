import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { LocalRunSource } from '../../serving/model/local-run-source.js';
import { MlflowModelSource } from '../../serving/model/mlflow-model-source.js';
import type { ModelSource } from '../../serving/model/model-source.js';
import { parseModelUri, type ModelUri } from '../../serving/model/model-uri.js';
import { ALIASES, EMBEDDED_STATE_FILE, openTracker } from '../../training/tracking/index.js';

/** Which source serving uses, and why (printed when serving starts). */
export interface ServeSourceChoice {
  readonly source: ModelSource;
  readonly reason: string;
}

/** What the user asked for: at most one of them. */
export interface ServeSourceFlags {
  readonly run?: string;
  readonly modelUri?: string;
}

type Deps = { readonly config: Config; readonly logger: Logger };

/**
 * The rule: `--run DIR` serves local run directories; `--model-uri` serves that registry URI; otherwise the registry's
 * `models:/<SHELFCAST_MODEL_NAME>@champion` when MLflow is configured (MLFLOW_TRACKING_URI) or the embedded server
 * has been used (its state file exists under SHELFCAST_MLFLOW_DIR), and else the newest run in SHELFCAST_RUNS_DIR.
 */
export async function chooseServeSource(flags: ServeSourceFlags, deps: Deps): Promise<ServeSourceChoice> {
  const { config } = deps;
  if (flags.run !== undefined && flags.modelUri !== undefined) throw new UsageError('--run and --model-uri name two sources: pass one of them');
  if (flags.run !== undefined) return { source: new LocalRunSource({ path: flags.run, modelName: config.modelName }), reason: '--run' };
  if (flags.modelUri !== undefined) return registrySource(parseModelUri('--model-uri', flags.modelUri), '--model-uri', deps);
  const champion: ModelUri = { name: config.modelName, alias: ALIASES.champion };
  if (config.mlflowTrackingUri) return registrySource(champion, 'MLFLOW_TRACKING_URI is set', deps);
  const stateFile = join(resolve(config.mlflowEmbedded.dir), EMBEDDED_STATE_FILE);
  if (existsSync(stateFile)) return registrySource(champion, `the local MLflow server's data is in ${resolve(config.mlflowEmbedded.dir)}`, deps);
  return {
    source: new LocalRunSource({ path: config.runsDir, modelName: config.modelName }),
    reason: `no MLflow configured (MLFLOW_TRACKING_URI unset, no local server data in ${resolve(config.mlflowEmbedded.dir)})`,
  };
}

/** The registry source for a URI, on the configured tracker (the embedded one started if it is not running). */
export async function registrySource(uri: ModelUri, reason: string, deps: Deps): Promise<ServeSourceChoice> {
  const tracker = await openTracker(deps.config, { logger: deps.logger });
  return { source: new MlflowModelSource({ uri, cacheDir: deps.config.cacheDir }, { client: tracker.client, logger: deps.logger }), reason };
}
