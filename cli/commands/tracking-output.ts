import type { GateOutcome, PublishResult, Tracker, TrackingOutcome } from '../../training/tracking/index.js';

/** Where the tracker is, for humans: the address, and for the embedded server where its data lives. */
export function formatTracker(uiUrl: string, embedded: Tracker['embedded']): string {
  if (!embedded) return `MLflow at ${uiUrl}`;
  const how = embedded.reused ? 'local server, already running' : 'local server, started now';
  return `MLflow UI at ${uiUrl} (${how}; data in ${embedded.dataDir}; process ${embedded.pid})`;
}

/** One line on the gate's decision. */
export function formatGate(gate: GateOutcome): string {
  return `${gate.promoted ? '@champion' : '@challenger'}: ${gate.reason}`;
}

/** What `train`, `demo` and `runs publish` print about logging the run. */
export function formatTrackingOutcome(outcome: TrackingOutcome): string {
  if (outcome.status === 'unavailable') {
    return [
      `Tracking: NOT logged, the tracker failed: ${outcome.error}`,
      `  The run directory is complete. Log it when the tracker is back: shelfcast runs publish ${outcome.dir}`,
    ].join('\n');
  }
  return [`Tracking: ${formatTracker(outcome.uiUrl, outcome.embedded)}`, ...formatPublished(outcome.result, outcome.runUrl, outcome.versionUrl)].join('\n');
}

/** The run and version lines of a publish result. */
export function formatPublished(r: PublishResult, runUrl: string, versionUrl: string): string[] {
  return [
    `  experiment ${r.experimentName}, run ${r.mlflowRunId}${r.published ? '' : ' (published before; nothing logged again)'}: ${runUrl}`,
    `  model ${r.modelName} version ${r.version} ${formatGate(r.gate)}`,
    `  ${versionUrl}`,
  ];
}
