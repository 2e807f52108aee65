import { KAGGLE_SCHEMA, type KaggleFileKind } from '../schema/kaggle-schema.js';
import { isoOf } from './day-calendar.js';
import { formatDecimal, kaggleBool } from './csv-encoding.js';
import { FAMILY_PROFILES } from './family-profiles.js';
import type { HolidayEvent } from './holiday-calendar.js';
import type { OilPrice } from './oil-prices.js';
import type { SyntheticWorld } from './synthetic-world.js';

/** A small Kaggle file as text cells, ready to be rendered as CSV. */
export interface ReferenceTable {
  readonly kind: KaggleFileKind;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const headerOf = (kind: KaggleFileKind): string[] => KAGGLE_SCHEMA[kind].map((c) => c.name);

/** `items`: every item of the catalogue, by item_nbr. */
export function itemsTable(world: SyntheticWorld): ReferenceTable {
  return {
    kind: 'items',
    header: headerOf('items'),
    rows: world.items.map((it) => [String(it.itemNbr), FAMILY_PROFILES[it.familyIndex].name, String(it.classCode), String(it.perishable)]),
  };
}

/** `stores`: the stores of the scale, by store_nbr. */
export function storesTable(world: SyntheticWorld): ReferenceTable {
  return {
    kind: 'stores',
    header: headerOf('stores'),
    rows: world.stores.map((s) => [String(s.storeNbr), s.city, s.state, s.type, String(s.cluster)]),
  };
}

/** `oil`: weekday prices, empty where there is none. */
export function oilTable(prices: readonly OilPrice[]): ReferenceTable {
  return {
    kind: 'oil',
    header: headerOf('oil'),
    rows: prices.map((p) => [isoOf(p.day), p.price === null ? '' : formatDecimal(p.price, 2)]),
  };
}

/** `holidays_events`: the calendar rows in date order. */
export function holidaysTable(events: readonly HolidayEvent[]): ReferenceTable {
  return {
    kind: 'holidays_events',
    header: headerOf('holidays_events'),
    rows: events.map((e) => [isoOf(e.day), e.type, e.locale, e.localeName, e.description, kaggleBool(e.transferred)]),
  };
}
