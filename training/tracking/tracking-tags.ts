/**
 * Tag keys shelfcast sets on MLflow runs and model versions. `runId` is how a run directory is found again
 * (publishing twice makes one MLflow run and one version); the `gate.*` keys record each promotion decision.
 */
export const TRACKING_TAGS = {
  /** The run directory's id (run.json runId), on the MLflow run and on its model version. */
  runId: 'shelfcast.run_id',
  lake: 'shelfcast.lake',
  /** `from..to`: the days of sales the run read. */
  dataWindow: 'shelfcast.data_window',
  validationOrigin: 'shelfcast.validation_origin',
  /** On the MLflow run: the model version it was registered as, set once publishing completed. */
  publishedVersion: 'shelfcast.model_version',
  /** On a version: its own validation NWRMSLE, as trained. */
  nwrmsle: 'shelfcast.nwrmsle',
  /** On a version: `origin..last label day @ lake`, the window that score is on. */
  validationWindow: 'shelfcast.validation_window',
  gate: {
    window: 'shelfcast.gate.window',
    challengerScore: 'shelfcast.gate.challenger_nwrmsle',
    championVersion: 'shelfcast.gate.champion_version',
    championScore: 'shelfcast.gate.champion_nwrmsle',
    /** `true` when the champion's score was computed anew on the challenger's window. */
    championRescored: 'shelfcast.gate.champion_rescored',
    /** `promoted` or `rejected`. */
    decision: 'shelfcast.gate.decision',
    reason: 'shelfcast.gate.reason',
    decidedAt: 'shelfcast.gate.decided_at',
  },
  /** On a version that became champion: the version that was champion before it ('' when none). */
  previousChampion: 'shelfcast.champion.previous',
  /** On a version: JSON list of alias changes made by hand (`models promote`, `models rollback`). */
  history: 'shelfcast.champion.history',
} as const;

/** Aliases the gate moves. */
export const ALIASES = { champion: 'champion', challenger: 'challenger' } as const;

/** A string literal for MLflow's search filters, e.g. `name = ${filterString(name)}`. */
export function filterString(value: string): string {
  return `'${value.replace(/'/g, "\\'")}'`;
}
