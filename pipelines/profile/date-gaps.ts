/** Dates missing between the first and last present date, split into closed days (1 January, 25 December) and gaps. */
export interface DateGaps {
  /** Missing dates other than the closing days: days the data should have but does not. */
  readonly gaps: string[];
  /** Missing 1 Januarys and 25 Decembers: the stores close on New Year's Day and Christmas Day, so these are expected. */
  readonly closedDays: string[];
}

const DAY_MS = 86_400_000;

/** Finds the missing days in a set of ISO dates (any order). */
export function findDateGaps(dates: readonly string[]): DateGaps {
  const present = new Set(dates);
  const sorted = [...present].sort();
  const gaps: string[] = [];
  const closedDays: string[] = [];
  if (sorted.length < 2) return { gaps, closedDays };
  const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`); t <= last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (present.has(day)) continue;
    (isClosingDay(day) ? closedDays : gaps).push(day);
  }
  return { gaps, closedDays };
}

/** The chain's closing days: no sales rows are expected on them. */
function isClosingDay(isoDay: string): boolean {
  return isoDay.endsWith('-12-25') || isoDay.endsWith('-01-01');
}
