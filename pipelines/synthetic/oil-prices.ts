import { dayOf, dayOfYmd, easterSunday, partsOf, weekdayOf } from './day-calendar.js';
import { hash32, STREAM, UNIT_SCALE } from './hash-rng.js';
import { normalFromUniform } from './normal-quantile.js';

/** One row of `oil`: a weekday and its WTI price in dollars, or null where the market was closed. */
export interface OilPrice {
  readonly day: number;
  readonly price: number | null;
}

/**
 * The path the price follows on average (log-linear between anchors): about $95–105 until mid-2014, the fall to
 * about $50 by January 2015, a trough below $30 in February 2016, then $45–55.
 */
export const OIL_ANCHORS: ReadonlyArray<readonly [iso: string, price: number]> = [
  ['2012-12-31', 92],
  ['2013-09-01', 106],
  ['2014-06-20', 105],
  ['2014-12-31', 53],
  ['2015-05-15', 60],
  ['2015-08-25', 40],
  ['2015-12-31', 37],
  ['2016-02-11', 28],
  ['2016-06-08', 50],
  ['2016-12-31', 53],
  ['2017-06-21', 43],
  ['2017-08-15', 47],
  ['2018-12-31', 55],
];

/** The walk starts here for every scale, so a seed gives the same price on a date whatever the scale. */
const WALK_START = dayOfYmd(2012, 12, 31);
const REVERSION = 0.985;
const DAILY_SIGMA = 0.018;
const RANDOM_GAP_RATE = 0.004;

const ANCHOR_POINTS = OIL_ANCHORS.map(([iso, price]) => [dayOf(iso), Math.log(price)] as const);

function anchorPrice(day: number): number {
  const points = ANCHOR_POINTS;
  if (day <= points[0][0]) return Math.exp(points[0][1]);
  for (let k = 1; k < points.length; k++) {
    const [d1, p1] = points[k];
    if (day <= d1) {
      const [d0, p0] = points[k - 1];
      return Math.exp(p0 + ((p1 - p0) * (day - d0)) / (d1 - d0));
    }
  }
  return Math.exp(points[points.length - 1][1]);
}

/** US market holidays on which WTI has no settlement price. */
function marketClosed(day: number): boolean {
  const { year, month, dom } = partsOf(day);
  return (month === 1 && dom === 1) || (month === 7 && dom === 4) || (month === 12 && dom === 25) || day === easterSunday(year) - 2;
}

/**
 * Daily WTI prices for the weekdays in [firstDay, lastDay]: the anchor path times a mean-reverting random walk
 * (daily log-sd 1.8%), rounded to cents; empty on market holidays and on a few random days.
 */
export function oilPrices(seed: number, firstDay: number, lastDay: number): OilPrice[] {
  const out: OilPrice[] = [];
  let deviation = 0;
  for (let day = Math.min(WALK_START, firstDay); day <= lastDay; day++) {
    const wd = weekdayOf(day);
    if (wd === 0 || wd === 6) continue;
    deviation = REVERSION * deviation + DAILY_SIGMA * normalFromUniform(hash32(seed, STREAM.oil, day) * UNIT_SCALE);
    if (day < firstDay) continue;
    const gap = marketClosed(day) || hash32(seed, STREAM.oil, day, 1) * UNIT_SCALE < RANDOM_GAP_RATE;
    out.push({ day, price: gap ? null : Math.round(anchorPrice(day) * Math.exp(deviation) * 100) / 100 });
  }
  return out;
}
