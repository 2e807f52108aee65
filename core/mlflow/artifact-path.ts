import { TrackingInvalidRequestError } from '../errors.js';
import type { RunInfo } from './entities.js';

/** The tracking server's artifact proxy (`mlflow server --serve-artifacts`). */
export const ARTIFACTS_BASE = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * Checks a path below the artifact proxy's root ("3/<run id>/artifacts/model/model.onnx"): "/"-separated, no
 * empty, "." or ".." segment, so that it names exactly one place and cannot climb out of the root.
 */
export function assertArtifactPath(endpoint: string, path: string): void {
  const bad = path === '' || path.includes('\\') || path.includes('\0') || path.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) {
    throw new TrackingInvalidRequestError(`artifact path ${JSON.stringify(path)}: expected "/"-separated names without empty, "." or ".." parts (not sent)`, {
      endpoint,
    });
  }
}

/** The proxy URL path of an artifact, each segment percent-encoded. */
export function artifactUrlPath(path: string): string {
  return `${ARTIFACTS_BASE}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Joins artifact path parts, ignoring empty ones. */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/**
 * The proxy path of a run's artifacts (plus `relative`), from its artifact URI `mlflow-artifacts:/3/<run id>/artifacts`
 * (or `mlflow-artifacts://host:port/...`). A run whose artifacts are not behind the proxy is refused.
 */
export function runArtifactPath(run: RunInfo | string, relative = ''): string {
  const uri = typeof run === 'string' ? run : run.artifactUri;
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  if (!match) {
    throw new TrackingInvalidRequestError(
      `artifact URI ${JSON.stringify(uri)} is not served by the tracking server's artifact proxy (expected mlflow-artifacts:/...)`,
    );
  }
  return joinArtifactPath(match[1].replace(/\/+$/, ''), relative);
}
