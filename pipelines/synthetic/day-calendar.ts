/**
 * Dates as integer day numbers (days since 1970-01-01, UTC): cheap to compare, add and use as hash coordinates.
 */

const MS_PER_DAY = 86_400_000;

/** Day number of an ISO date `YYYY-MM-DD`; throws RangeError on anything else. */
export function dayOf(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`expected a date YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${iso}`);
  }
  return ms / MS_PER_DAY;
}

/** Day number of a calendar date given as year, month (1–12) and day of month. */
export function dayOfYmd(year: number, month: number, dom: number): number {
  return Date.UTC(year, month - 1, dom) / MS_PER_DAY;
}

/** ISO date `YYYY-MM-DD` of a day number. */
export function isoOf(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Weekday of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Calendar parts of a day number. */
export function partsOf(day: number): { year: number; month: number; dom: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dom: d.getUTCDate() };
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm): anchors Carnaval and Good Friday. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dom = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOfYmd(year, month, dom);
}

/** The n-th (1-based) given weekday of a month, e.g. the second Sunday of May. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): number {
  const first = dayOfYmd(year, month, 1);
  const offset = (weekday - weekdayOf(first) + 7) % 7;
  return first + offset + 7 * (n - 1);
}
