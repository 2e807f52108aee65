import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** A local directory or an S3 location. */
const directoryOrS3 = z
  .string()
  .min(1)
  .refine((v) => !v.startsWith('s3://') || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v), {
    message: 'expected a directory or s3://bucket[/prefix] with a valid bucket name',
  });

/** The settings shelfcast reads from the environment, with their defaults (DESIGN.md, CLI surface). */
const envSchema = z.object({
  SHELFCAST_LAKE: directoryOrS3.default('./lake'),
  SHELFCAST_CACHE_DIR: z.string().min(1).default('./.shelfcast/cache'),
  SHELFCAST_RUNS_DIR: z.string().min(1).default('./runs'),
  SHELFCAST_LOG_LEVEL: logLevel.default('info'),
  SHELFCAST_MODEL_NAME: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"').default('favorita-unit-sales'),
  SHELFCAST_EXPERIMENT: z.string().min(1).max(500).default('shelfcast'),
  SHELFCAST_MLFLOW_DIR: z.string().min(1).default('./mlruns'),
  SHELFCAST_MLFLOW_ARTIFACTS: directoryOrS3.optional(),
  SHELFCAST_MONITORING_DB: z.string().min(1).default('./.shelfcast/monitoring.duckdb'),
  SHELFCAST_ADMIN_TOKEN: z.string().min(16, 'expected a secret of at least 16 characters').optional(),
  MLFLOW_TRACKING_URI: z
    .string()
    .url('expected a URL such as http://127.0.0.1:5000')
    .refine((v) => /^https?:\/\//i.test(v), { message: 'expected an http:// or https:// URL of a tracking server' })
    .optional(),
  MLFLOW_TRACKING_USERNAME: z.string().min(1).optional(),
  MLFLOW_TRACKING_PASSWORD: z.string().min(1).optional(),
  MLFLOW_TRACKING_TOKEN: z.string().min(1).optional(),
  PREFECT_API_URL: z.string().url('expected a URL such as http://127.0.0.1:4200/api').optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL_S3: z.string().url('expected a URL such as http://127.0.0.1:9000').optional(),
  AWS_ENDPOINT_URL: z.string().url('expected a URL such as http://127.0.0.1:9000').optional(),
});

export type EnvConfig = z.infer<typeof envSchema>;

/** Settings whose values never appear in an error message. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['SHELFCAST_ADMIN_TOKEN', 'MLFLOW_TRACKING_PASSWORD', 'MLFLOW_TRACKING_TOKEN']);

/** How shelfcast authenticates to the tracking server: HTTP basic or a bearer token, as MLflow's own clients do. */
export type MlflowAuth =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

/** The fully defaulted, frozen configuration that entry points hand down; nothing below reads process.env. */
export interface Config {
  readonly lake: string;
  readonly cacheDir: string;
  /** Where training runs write their run directories. */
  readonly runsDir: string;
  readonly logLevel: z.infer<typeof logLevel>;
  readonly modelName: string;
  /** The MLflow experiment training runs are logged to. */
  readonly experimentName: string;
  /**
   * The embedded tracking server, used when MLFLOW_TRACKING_URI is not set: its data directory (sqlite store,
   * server state and log) and where it keeps artifacts (default `<dir>/artifacts`, or s3://bucket/prefix).
   */
  readonly mlflowEmbedded: { readonly dir: string; readonly artifacts?: string };
  /** The embedded monitoring store (a DuckDB file): the prediction log and monitoring results. */
  readonly monitoringDb: string;
  /** Bearer token that guards the API's admin endpoints; they are disabled without one. */
  readonly adminToken?: string;
  readonly mlflowTrackingUri?: string;
  /** From MLFLOW_TRACKING_USERNAME/PASSWORD (basic, preferred when both kinds are set, as in MLflow) or MLFLOW_TRACKING_TOKEN. */
  readonly mlflowAuth?: MlflowAuth;
  readonly prefectApiUrl?: string;
  readonly s3: { readonly region: string; readonly endpoint?: string };
}

/**
 * Parses configuration once. An optional JSON file named by SHELFCAST_CONFIG holds the same keys as the
 * environment; a variable set in the environment wins over the file.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.SHELFCAST_CONFIG ? readConfigFile(env.SHELFCAST_CONFIG) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'configuration');
    const shown = SECRET_KEYS.has(name) ? '(hidden)' : JSON.stringify(merged[name] ?? '');
    throw new ConfigError(`${name}=${shown}: ${issue.message}`);
  }
  const c = parsed.data;
  return Object.freeze({
    lake: c.SHELFCAST_LAKE,
    cacheDir: c.SHELFCAST_CACHE_DIR,
    runsDir: c.SHELFCAST_RUNS_DIR,
    logLevel: c.SHELFCAST_LOG_LEVEL,
    modelName: c.SHELFCAST_MODEL_NAME,
    experimentName: c.SHELFCAST_EXPERIMENT,
    mlflowEmbedded: Object.freeze({ dir: c.SHELFCAST_MLFLOW_DIR, artifacts: c.SHELFCAST_MLFLOW_ARTIFACTS }),
    monitoringDb: c.SHELFCAST_MONITORING_DB,
    adminToken: c.SHELFCAST_ADMIN_TOKEN,
    mlflowTrackingUri: c.MLFLOW_TRACKING_URI,
    mlflowAuth: mlflowAuthFrom(c),
    prefectApiUrl: c.PREFECT_API_URL,
    s3: Object.freeze({ region: c.AWS_REGION, endpoint: c.AWS_ENDPOINT_URL_S3 ?? c.AWS_ENDPOINT_URL }),
  });
}

function mlflowAuthFrom(c: EnvConfig): MlflowAuth | undefined {
  const user = c.MLFLOW_TRACKING_USERNAME;
  const password = c.MLFLOW_TRACKING_PASSWORD;
  if ((user === undefined) !== (password === undefined)) {
    const missing = user === undefined ? 'MLFLOW_TRACKING_USERNAME' : 'MLFLOW_TRACKING_PASSWORD';
    throw new ConfigError(`${missing} is not set: basic auth to the tracking server needs both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD`);
  }
  if (user !== undefined && password !== undefined) return Object.freeze({ kind: 'basic', username: user, password });
  if (c.MLFLOW_TRACKING_TOKEN !== undefined) return Object.freeze({ kind: 'bearer', token: c.MLFLOW_TRACKING_TOKEN });
  return undefined;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`SHELFCAST_CONFIG=${path}: cannot read the file`, { cause });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
  } catch (cause) {
    throw new ConfigError(`SHELFCAST_CONFIG=${path}: expected a JSON object of setting names to strings`, { cause });
  }
}
