import { describe, expect, it } from 'vitest';
import {
  buildHolidayEvents,
  buildItems,
  campaignOn,
  CITY_DAYS,
  dayOf,
  ECUADOR_STORES,
  FAMILY_PROFILES,
  isoOf,
  oilPrices,
  PROVINCE_DAYS,
  SCALES,
  storeJoins,
  weekdayOf,
} from '../../../pipelines/synthetic/index.js';
import { easterSunday } from '../../../pipelines/synthetic/day-calendar.js';
import { familyCounts } from '../../../pipelines/synthetic/item-catalog.js';

const PERISHABLE = ['BREAD/BAKERY', 'DAIRY', 'DELI', 'EGGS', 'MEATS', 'POULTRY', 'PREPARED FOODS', 'PRODUCE', 'SEAFOOD'];

describe('store master', () => {
  it('has the 54 stores with Ecuadorian cities and provinces, formats A–E and clusters 1–17', () => {
    expect(ECUADOR_STORES.map((s) => s.storeNbr)).toEqual(Array.from({ length: 54 }, (_, k) => k + 1));
    expect(new Set(ECUADOR_STORES.map((s) => s.type))).toEqual(new Set(['A', 'B', 'C', 'D', 'E']));
    expect([...new Set(ECUADOR_STORES.map((s) => s.cluster))].sort((a, b) => a - b)).toEqual(Array.from({ length: 17 }, (_, k) => k + 1));
    expect(ECUADOR_STORES.filter((s) => s.city === 'Quito').every((s) => s.state === 'Pichincha')).toBe(true);
    expect(ECUADOR_STORES.filter((s) => s.city === 'Guayaquil').every((s) => s.state === 'Guayas')).toBe(true);
    for (const s of ECUADOR_STORES) {
      expect(CITY_DAYS[s.city], s.city).toBeDefined();
      expect(PROVINCE_DAYS[s.state], s.state).toBeDefined();
    }
  });

  it('picks store subsets that cover distinct cities, and all formats on the small scale', () => {
    const city = (n: number) => ECUADOR_STORES[n - 1].city;
    expect(new Set(SCALES.tiny.storeNbrs.map(city)).size).toBe(4);
    expect(new Set(SCALES.small.storeNbrs.map((n) => ECUADOR_STORES[n - 1].type)).size).toBe(5);
    expect(SCALES.full.storeNbrs).toHaveLength(54);
  });
});

describe('item catalogue', () => {
  const start = dayOf('2013-01-01');
  const end = dayOf('2017-08-15');
  const items = buildItems(9, SCALES.full.itemCount, start, end, 16);

  it('numbers items with unique, ascending 6–7 digit item_nbr', () => {
    const numbers = items.map((it) => it.itemNbr);
    expect(numbers.every((n, k) => k === 0 || n > numbers[k - 1])).toBe(true);
    expect(numbers.every((n) => n >= 100_000 && n <= 9_999_999)).toBe(true);
    expect(numbers.some((n) => n >= 1_000_000)).toBe(true);
  });

  it('spreads 33 families with Kaggle-like sizes and per-family 4-digit classes', () => {
    expect(FAMILY_PROFILES).toHaveLength(33);
    const counts = familyCounts(4300);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4300);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    const grocery = counts[FAMILY_PROFILES.findIndex((f) => f.name === 'GROCERY I')];
    expect(grocery).toBe(Math.max(...counts));
    expect(items.filter((it) => it.classCode < 1000 || it.classCode > 9999)).toEqual([]);
    const familiesOfClass = new Map<number, Set<number>>();
    for (const it of items) familiesOfClass.set(it.classCode, (familiesOfClass.get(it.classCode) ?? new Set()).add(it.familyIndex));
    expect([...familiesOfClass.values()].filter((f) => f.size > 1)).toEqual([]);
    const groceryClasses = new Set(items.filter((it) => FAMILY_PROFILES[it.familyIndex].name === 'GROCERY I').map((it) => it.classCode));
    expect(groceryClasses.size).toBeGreaterThan(30);
  });

  it('marks exactly the fresh families as perishable', () => {
    expect(FAMILY_PROFILES.filter((f) => f.perishable === 1).map((f) => f.name)).toEqual(PERISHABLE);
    expect(items.every((it) => it.perishable === FAMILY_PROFILES[it.familyIndex].perishable)).toBe(true);
  });

  it('launches about 65% of the items through the Kaggle period, evenly, and stops about 5% before its end', () => {
    // The growing assortment carries Kaggle's growth from 44.8k train rows a day in 2013 to 105k in 2017.
    const launched = items.filter((it) => it.launchDay > start);
    const stopped = items.filter((it) => it.stopDay <= end);
    expect(launched.length / items.length).toBeCloseTo(0.65, 2);
    expect(stopped.length / items.length).toBeCloseTo(0.05, 2);
    expect(launched.every((it) => it.launchDay <= end + 16)).toBe(true);
    const middle = (start + end + 16) / 2;
    const firstHalf = launched.filter((it) => it.launchDay < middle).length / launched.length;
    expect(firstHalf).toBeGreaterThan(0.45);
    expect(firstHalf).toBeLessThan(0.55);
  });

  it('launches on the same days whatever the start of the scale, so a later start inherits earlier launches', () => {
    const later = buildItems(9, SCALES.full.itemCount, dayOf('2015-06-01'), end, 16);
    const launchedBefore = later.filter((it) => it.launchDay > start && it.launchDay <= dayOf('2015-06-01'));
    expect(launchedBefore.length / later.length).toBeGreaterThan(0.2);
    items.forEach((it, i) => {
      if (it.launchDay > start) expect(later[i].launchDay).toBe(it.launchDay);
    });
  });
});

describe('holiday calendar', () => {
  const events = buildHolidayEvents(2013, 2017);
  const on = (iso: string) => events.filter((e) => e.day === dayOf(iso));
  const find = (iso: string, description: string) => on(iso).find((e) => e.description === description);

  it('places Easter-based holidays on the right dates', () => {
    expect([2013, 2014, 2015, 2016, 2017].map((y) => isoOf(easterSunday(y)))).toEqual([
      '2013-03-31',
      '2014-04-20',
      '2015-04-05',
      '2016-03-27',
      '2017-04-16',
    ]);
    expect(find('2017-04-14', 'Viernes Santo')?.type).toBe('Holiday');
    expect(find('2017-02-27', 'Carnaval')).toBeDefined();
    expect(find('2017-02-28', 'Carnaval')).toBeDefined();
  });

  it('moves mid-week independence days to Friday: transferred=True on the date, a Transfer row on the Friday', () => {
    expect(find('2016-08-10', 'Primer Grito de Independencia')).toMatchObject({ type: 'Holiday', transferred: true });
    expect(find('2016-08-12', 'Traslado Primer Grito de Independencia')).toMatchObject({ type: 'Transfer', transferred: false });
    expect(find('2017-05-24', 'Batalla de Pichincha')).toMatchObject({ transferred: true });
    expect(find('2017-05-26', 'Traslado Batalla de Pichincha')?.type).toBe('Transfer');
    // On a Sunday it stays where it is.
    expect(find('2016-10-09', 'Independencia de Guayaquil')).toMatchObject({ type: 'Holiday', transferred: false });
  });

  it('bridges a Thursday holiday to the weekend and makes the day up on a Saturday', () => {
    expect(find('2016-11-04', 'Puente Independencia de Cuenca')).toMatchObject({ type: 'Bridge', locale: 'National' });
    const workDay = events.find((e) => e.type === 'Work Day' && e.description === 'Recupero puente Independencia de Cuenca' && e.day > dayOf('2016-11-04'));
    expect(workDay && isoOf(workDay.day)).toBe('2016-11-12');
    expect(events.filter((e) => e.type === 'Work Day').every((e) => weekdayOf(e.day) === 6)).toBe(true);
  });

  it('surrounds Christmas with additional days and covers cities and provinces', () => {
    const christmas = ['2016-12-21', '2016-12-22', '2016-12-23', '2016-12-24', '2016-12-26'].map((d) => on(d).find((e) => e.type === 'Additional'));
    expect(christmas.map((e) => e?.description)).toEqual(['Navidad-4', 'Navidad-3', 'Navidad-2', 'Navidad-1', 'Navidad+1']);
    expect(find('2016-12-06', 'Fundacion de Quito')).toMatchObject({ locale: 'Local', localeName: 'Quito' });
    expect(events.filter((e) => e.locale === 'Regional' && e.day >= dayOf('2016-01-01') && e.day <= dayOf('2016-12-31'))).toHaveLength(
      Object.keys(PROVINCE_DAYS).length,
    );
    expect(events.every((e, k) => k === 0 || e.day >= events[k - 1].day)).toBe(true);
  });
});

describe('oil prices', () => {
  const prices = oilPrices(4, dayOf('2013-01-01'), dayOf('2017-08-31'));
  const mean = (from: string, to: string) => {
    const v = prices.filter((p) => p.day >= dayOf(from) && p.day <= dayOf(to) && p.price !== null).map((p) => p.price as number);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };

  it('falls from about 100 dollars in 2013–mid 2014 to 30–50 in 2015–2016', () => {
    expect(mean('2013-01-01', '2014-06-30')).toBeGreaterThan(85);
    expect(mean('2015-01-01', '2016-12-31')).toBeGreaterThan(30);
    expect(mean('2015-01-01', '2016-12-31')).toBeLessThan(55);
    const low = Math.min(...prices.filter((p) => p.price !== null).map((p) => p.price as number));
    expect(low).toBeLessThan(38);
  });

  it('walks: consecutive prices move by a few percent, and the series is the same whatever the first day', () => {
    const values = prices.filter((p) => p.price !== null).map((p) => p.price as number);
    const moves = values.slice(1).map((v, k) => Math.abs(Math.log(v / values[k])));
    expect(Math.max(...moves)).toBeLessThan(0.15);
    expect(moves.reduce((a, b) => a + b, 0) / moves.length).toBeGreaterThan(0.005);
    const later = oilPrices(4, dayOf('2016-06-01'), dayOf('2016-06-30'));
    expect(later).toEqual(prices.filter((p) => p.day >= dayOf('2016-06-01') && p.day <= dayOf('2016-06-30')));
    expect(prices.filter((p) => p.price === null).map((p) => isoOf(p.day))).toContain('2016-07-04');
  });
});

describe('promotion campaigns', () => {
  const items = buildItems(21, 200, dayOf('2015-01-01'), dayOf('2017-08-15'), 16);
  const days = Array.from({ length: 365 }, (_, k) => dayOf('2016-01-01') + k);

  it('runs an item for one, two or three consecutive weeks, in the same stores throughout', () => {
    let campaigns = 0;
    for (const item of items) {
      const active = days.map((d) => campaignOn(21, item, d));
      for (let k = 1; k < active.length - 1; k++) {
        const c = active[k];
        if (!c || (active[k - 1] && active[k - 1]?.slot === c.slot)) continue;
        if (c.firstDay !== days[k]) continue;
        campaigns++;
        expect([7, 14, 21]).toContain(c.days);
        for (let j = 0; j < c.days && k + j < active.length; j++) expect(active[k + j]?.slot).toBe(c.slot);
        const stores = ECUADOR_STORES.map((s) => storeJoins(21, item.itemNbr, c, s.storeNbr));
        const last = active[Math.min(k + c.days - 1, active.length - 1)];
        if (last) expect(ECUADOR_STORES.map((s) => storeJoins(21, item.itemNbr, last, s.storeNbr))).toEqual(stores);
        const share = stores.filter(Boolean).length / stores.length;
        expect(share).toBeGreaterThan(0.1);
        expect(share).toBeLessThan(1);
      }
    }
    expect(campaigns).toBeGreaterThan(200);
  });
});
