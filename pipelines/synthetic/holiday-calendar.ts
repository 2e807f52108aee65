import { dayOfYmd, easterSunday, nthWeekdayOfMonth, partsOf, weekdayOf } from './day-calendar.js';

/** One row of `holidays_events`. */
export interface HolidayEvent {
  readonly day: number;
  readonly type: 'Holiday' | 'Transfer' | 'Additional' | 'Bridge' | 'Work Day' | 'Event';
  readonly locale: 'National' | 'Regional' | 'Local';
  /** `Ecuador` for national rows, the province for regional rows, the city for local rows. */
  readonly localeName: string;
  readonly description: string;
  /** True on the official date of a holiday that was moved to another day (the `Transfer` row). */
  readonly transferred: boolean;
}

/** City anniversaries (foundation or cantonisation): local holidays. Dates are illustrative. */
export const CITY_DAYS: Readonly<Record<string, readonly [month: number, dom: number, description: string]>> = {
  Quito: [12, 6, 'Fundacion de Quito'],
  Guayaquil: [7, 25, 'Fundacion de Guayaquil'],
  Cuenca: [4, 12, 'Fundacion de Cuenca'],
  'Santo Domingo': [7, 3, 'Fundacion de Santo Domingo'],
  Cayambe: [6, 23, 'Cantonizacion de Cayambe'],
  Latacunga: [11, 11, 'Independencia de Latacunga'],
  Riobamba: [4, 21, 'Fundacion de Riobamba'],
  Ibarra: [9, 28, 'Fundacion de Ibarra'],
  Guaranda: [11, 10, 'Independencia de Guaranda'],
  Puyo: [5, 12, 'Cantonizacion del Puyo'],
  Ambato: [11, 12, 'Independencia de Ambato'],
  Salinas: [12, 22, 'Cantonizacion de Salinas'],
  Daule: [8, 26, 'Cantonizacion de Daule'],
  Babahoyo: [10, 15, 'Cantonizacion de Babahoyo'],
  Quevedo: [10, 7, 'Cantonizacion de Quevedo'],
  Playas: [3, 15, 'Cantonizacion de Playas'],
  Libertad: [12, 20, 'Cantonizacion de Libertad'],
  Loja: [12, 8, 'Fundacion de Loja'],
  Machala: [6, 25, 'Fundacion de Machala'],
  Esmeraldas: [8, 21, 'Fundacion de Esmeraldas'],
  Manta: [11, 4, 'Fundacion de Manta'],
  'El Carmen': [6, 3, 'Cantonizacion de El Carmen'],
};

/** Province days: regional holidays. Dates are illustrative. */
export const PROVINCE_DAYS: Readonly<Record<string, readonly [month: number, dom: number]>> = {
  Pichincha: [6, 14],
  'Santo Domingo de los Tsachilas': [11, 6],
  Cotopaxi: [11, 7],
  Chimborazo: [3, 25],
  Imbabura: [6, 26],
  Bolivar: [4, 23],
  Pastaza: [10, 10],
  Tungurahua: [7, 9],
  Guayas: [8, 18],
  'Santa Elena': [11, 8],
  'Los Rios': [10, 6],
  Azuay: [6, 18],
  Loja: [9, 8],
  'El Oro': [4, 26],
  Esmeraldas: [11, 21],
  Manabi: [3, 2],
};

/** Holidays that move to the following Friday when they fall on Tuesday, Wednesday or Thursday. */
const MOVABLE = new Set(['Batalla de Pichincha', 'Primer Grito de Independencia', 'Independencia de Guayaquil']);

const LOCALE_ORDER = { National: 0, Regional: 1, Local: 2 } as const;

/**
 * The Ecuador-like holiday and event calendar for the calendar years `firstYear … lastYear`: national holidays
 * (with transfers, bridges and make-up work days), Christmas and New Year additional days, commercial events,
 * province days and city anniversaries. Sorted by date, national rows first.
 */
export function buildHolidayEvents(firstYear: number, lastYear: number): HolidayEvent[] {
  const rows: HolidayEvent[] = [];
  const add = (
    day: number,
    type: HolidayEvent['type'],
    description: string,
    locale: HolidayEvent['locale'] = 'National',
    localeName = 'Ecuador',
    transferred = false,
  ) => rows.push({ day, type, locale, localeName, description, transferred });

  for (let year = firstYear - 1; year <= lastYear + 1; year++) {
    const national: Array<[number, string]> = [];
    const holiday = (day: number, description: string) => {
      const wd = weekdayOf(day);
      if (MOVABLE.has(description) && wd >= 2 && wd <= 4) {
        add(day, 'Holiday', description, 'National', 'Ecuador', true);
        const moved = day + (5 - wd);
        add(moved, 'Transfer', `Traslado ${description}`);
        return;
      }
      add(day, 'Holiday', description);
      national.push([day, description]);
    };
    const easter = easterSunday(year);
    holiday(dayOfYmd(year, 1, 1), 'Primer dia del ano');
    holiday(easter - 48, 'Carnaval');
    holiday(easter - 47, 'Carnaval');
    holiday(easter - 2, 'Viernes Santo');
    holiday(dayOfYmd(year, 5, 1), 'Dia del Trabajo');
    holiday(dayOfYmd(year, 5, 24), 'Batalla de Pichincha');
    holiday(dayOfYmd(year, 8, 10), 'Primer Grito de Independencia');
    holiday(dayOfYmd(year, 10, 9), 'Independencia de Guayaquil');
    holiday(dayOfYmd(year, 11, 2), 'Dia de Difuntos');
    holiday(dayOfYmd(year, 11, 3), 'Independencia de Cuenca');
    holiday(dayOfYmd(year, 12, 25), 'Navidad');

    const mothersDay = nthWeekdayOfMonth(year, 5, 0, 2);
    add(mothersDay - 1, 'Additional', 'Dia de la Madre-1');
    add(mothersDay, 'Event', 'Dia de la Madre');
    for (let k = 4; k >= 1; k--) add(dayOfYmd(year, 12, 25) - k, 'Additional', `Navidad-${k}`);
    add(dayOfYmd(year, 12, 26), 'Additional', 'Navidad+1');
    add(dayOfYmd(year, 12, 31), 'Additional', 'Primer dia del ano-1');
    if (year >= 2014) {
      const blackFriday = nthWeekdayOfMonth(year, 11, 4, 4) + 1;
      add(blackFriday, 'Event', 'Black Friday');
      add(blackFriday + 3, 'Event', 'Cyber Monday');
    }
    if (year === 2014) {
      const cup: Array<[number, number, string]> = [
        [6, 12, 'Inauguracion Mundial de futbol Brasil'],
        [6, 15, 'Mundial de futbol Brasil: Ecuador-Suiza'],
        [6, 20, 'Mundial de futbol Brasil: Ecuador-Honduras'],
        [6, 25, 'Mundial de futbol Brasil: Ecuador-Francia'],
        [7, 4, 'Mundial de futbol Brasil: Cuartos de Final'],
        [7, 8, 'Mundial de futbol Brasil: Semifinales'],
        [7, 13, 'Mundial de futbol Brasil: Final'],
      ];
      for (const [m, d, text] of cup) add(dayOfYmd(year, m, d), 'Event', text);
    }
    if (year === 2016) {
      const quake = dayOfYmd(2016, 4, 16);
      add(quake, 'Event', 'Terremoto Manabi');
      for (let k = 1; k <= 30; k++) add(quake + k, 'Event', `Terremoto Manabi+${k}`);
    }

    // A holiday on Tuesday or Thursday gets a bridge day (Monday before / Friday after), made up on a Saturday.
    const holidayDays = new Set(national.map(([d]) => d));
    for (const [day, description] of national) {
      const wd = weekdayOf(day);
      if (wd !== 2 && wd !== 4) continue;
      const bridge = wd === 2 ? day - 1 : day + 1;
      if (holidayDays.has(bridge)) continue;
      add(bridge, 'Bridge', `Puente ${description}`);
      add(bridge + (6 - weekdayOf(bridge)) + 7, 'Work Day', `Recupero puente ${description}`);
    }

    for (const [city, [m, d, text]] of Object.entries(CITY_DAYS)) {
      add(dayOfYmd(year, m, d), 'Holiday', text, 'Local', city);
      if (city === 'Quito' || city === 'Guayaquil') add(dayOfYmd(year, m, d) - 1, 'Additional', `${text}-1`, 'Local', city);
    }
    for (const [state, [m, d]] of Object.entries(PROVINCE_DAYS)) {
      const name = state === 'Santo Domingo de los Tsachilas' ? 'Santo Domingo' : state;
      add(dayOfYmd(year, m, d), 'Holiday', `Provincializacion de ${name}`, 'Regional', state);
    }
  }

  const first = dayOfYmd(firstYear, 1, 1);
  const last = dayOfYmd(lastYear, 12, 31);
  return rows
    .filter((r) => r.day >= first && r.day <= last)
    .sort((a, b) => a.day - b.day || LOCALE_ORDER[a.locale] - LOCALE_ORDER[b.locale] || a.description.localeCompare(b.description));
}

/** Stores close on New Year's Day and Christmas: no sales rows and no transactions. */
export function isClosedDay(day: number): boolean {
  const { month, dom } = partsOf(day);
  return (month === 1 && dom === 1) || (month === 12 && dom === 25);
}

