/** The days and data a validation score is computed on: the validation origin's 16 days, in one lake. */
export interface ValidationWindow {
  readonly lake: string;
  /** The validation origin (first forecast day). */
  readonly origin: string;
  /** The last label day (origin + 15). */
  readonly lastDay: string;
}

/** How the champion compares on the challenger's window. */
export type ChampionStanding =
  | { readonly kind: 'none' }
  /** Its NWRMSLE on the challenger's window: its own when it was trained on that window, else rescored on it. */
  | { readonly kind: 'scored'; readonly version: string; readonly nwrmsle: number; readonly rescored: boolean }
  /** It cannot be run on this shelfcast's features (a changed feature set): it could not be served either. */
  | { readonly kind: 'incompatible'; readonly version: string; readonly reason: string };

export interface GateDecision {
  readonly promote: boolean;
  readonly reason: string;
}

/** `2017-07-26..2017-08-10 @ ./lake`. */
export function windowLabel(w: ValidationWindow): string {
  return `${w.origin}..${w.lastDay} @ ${w.lake}`;
}

/** Whether two scores were computed on the same window (the same validation origin in the same lake). */
export function sameWindow(a: ValidationWindow, b: ValidationWindow): boolean {
  return a.lake === b.lake && a.origin === b.origin && a.lastDay === b.lastDay;
}

/**
 * The promotion gate: a challenger becomes champion when there is none, when the champion cannot run on this
 * shelfcast's features, or when its validation NWRMSLE is strictly lower than the champion's on the same window.
 * A tie keeps the champion; a challenger without a finite score is never promoted.
 */
export function decidePromotion(challenger: { readonly version: string; readonly nwrmsle: number }, champion: ChampionStanding, window: ValidationWindow): GateDecision {
  const v = `version ${challenger.version}`;
  const score = (x: number): string => (Number.isFinite(x) ? x.toFixed(6) : String(x));
  if (!Number.isFinite(challenger.nwrmsle)) return { promote: false, reason: `${v} has no finite validation NWRMSLE (${score(challenger.nwrmsle)})` };
  if (champion.kind === 'none') return { promote: true, reason: `no champion yet: ${v} (NWRMSLE ${score(challenger.nwrmsle)}) becomes the first` };
  if (champion.kind === 'incompatible') {
    return { promote: true, reason: `champion version ${champion.version} cannot run on this shelfcast's features (${champion.reason}); ${v} replaces it` };
  }
  const how = champion.rescored ? 'rescored on this window' : 'trained on this window';
  const compared = `${v} scores ${score(challenger.nwrmsle)} on ${windowLabel(window)}, champion version ${champion.version} ${score(champion.nwrmsle)} (${how})`;
  const better = !Number.isFinite(champion.nwrmsle) || challenger.nwrmsle < champion.nwrmsle;
  return better ? { promote: true, reason: `${compared}: better, promoted` } : { promote: false, reason: `${compared}: not better, champion kept` };
}
