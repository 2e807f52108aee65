/**
 * The 33 product families of the Favorita catalogue and how each one behaves in the demand model. Item weights
 * follow the family sizes of the Kaggle `items` file, so a sampled catalogue has a realistic mix.
 */
export interface FamilyProfile {
  readonly name: string;
  /** Relative number of items in the family (Kaggle item counts). */
  readonly itemWeight: number;
  /** 1 for perishable families (weight 1.25 in the metric). */
  readonly perishable: 0 | 1;
  /** Mean kilograms per purchase for families sold by weight (fractional unit_sales); 0 = sold in units. */
  readonly kgPerPurchase: number;
  /** Relative purchase rate of a typical item of the family. */
  readonly volume: number;
  /**
   * Weekend strength: 0 = flat week, 1 = the store-traffic pattern, >1 = stronger weekend peaks. Food and drink
   * follow the weekend shopping trip (about 1 and above), household and general goods are bought more evenly.
   */
  readonly weekend: number;
  /**
   * Sales multiplier while an item is on promotion. In the Kaggle data a promoted item sells roughly 1.5–3× its
   * usual quantity, most in the big food, drink and household families; durable goods respond least.
   */
  readonly promoUplift: number;
  /** Probability that an item of the family runs a campaign in a given 28-day slot. */
  readonly promoRate: number;
  /** Exponent applied to the December/January seasonal curve: >1 for festive goods, <1 for staples. */
  readonly festive: number;
  /** General merchandise: small store formats carry less of it. */
  readonly general: boolean;
}

const f = (
  name: string,
  itemWeight: number,
  perishable: 0 | 1,
  kgPerPurchase: number,
  volume: number,
  weekend: number,
  promoUplift: number,
  promoRate: number,
  festive: number,
  general = false,
): FamilyProfile => ({ name, itemWeight, perishable, kgPerPurchase, volume, weekend, promoUplift, promoRate, festive, general });

/** Families in alphabetical order (the order of the Kaggle `items` family labels). */
export const FAMILY_PROFILES: readonly FamilyProfile[] = [
  f('AUTOMOTIVE', 20, 0, 0, 0.25, 0.5, 1.5, 0.1, 0.3, true),
  f('BABY CARE', 1, 0, 0, 0.2, 0.4, 1.5, 0.1, 0.2, true),
  f('BEAUTY', 19, 0, 0, 0.3, 0.6, 1.7, 0.15, 0.8, true),
  f('BEVERAGES', 613, 0, 0, 2.0, 1.6, 3.0, 0.35, 1.0),
  f('BOOKS', 1, 0, 0, 0.1, 0.5, 1.3, 0.02, 0.6, true),
  f('BREAD/BAKERY', 134, 1, 0, 1.3, 1.0, 1.8, 0.2, 0.8),
  f('CELEBRATION', 31, 0, 0, 0.35, 1.0, 1.6, 0.15, 2.5, true),
  f('CLEANING', 446, 0, 0, 1.0, 0.35, 2.6, 0.35, 0.5),
  f('DAIRY', 242, 1, 0, 1.4, 0.9, 2.5, 0.3, 0.8),
  f('DELI', 91, 1, 0.45, 1.0, 1.1, 1.9, 0.2, 1.2),
  f('EGGS', 41, 1, 0, 1.2, 0.9, 1.7, 0.15, 0.6),
  f('FROZEN FOODS', 55, 0, 0, 0.8, 1.0, 2.2, 0.25, 1.5),
  f('GROCERY I', 1334, 0, 0, 1.3, 1.0, 2.8, 0.3, 1.0),
  f('GROCERY II', 14, 0, 0, 0.5, 0.9, 1.9, 0.15, 0.8),
  f('HARDWARE', 4, 0, 0, 0.25, 0.4, 1.4, 0.05, 0.4, true),
  f('HOME AND KITCHEN I', 77, 0, 0, 0.35, 0.6, 1.7, 0.15, 1.2, true),
  f('HOME AND KITCHEN II', 45, 0, 0, 0.35, 0.6, 1.7, 0.15, 1.2, true),
  f('HOME APPLIANCES', 1, 0, 0, 0.1, 0.5, 1.4, 0.05, 1.5, true),
  f('HOME CARE', 108, 0, 0, 0.9, 0.4, 2.4, 0.3, 0.6),
  f('LADIESWEAR', 21, 0, 0, 0.3, 0.9, 1.6, 0.1, 1.3, true),
  f('LAWN AND GARDEN', 26, 0, 0, 0.3, 0.7, 1.5, 0.1, 0.6, true),
  f('LINGERIE', 20, 0, 0, 0.3, 0.7, 1.6, 0.1, 1.0, true),
  f('LIQUOR,WINE,BEER', 73, 0, 0, 1.1, 2.0, 2.8, 0.25, 2.0),
  f('MAGAZINES', 6, 0, 0, 0.3, 0.6, 1.3, 0.05, 0.6, true),
  f('MEATS', 84, 1, 0.9, 1.0, 1.2, 2.0, 0.2, 1.2),
  f('PERSONAL CARE', 153, 0, 0, 0.9, 0.5, 2.5, 0.3, 0.8),
  f('PET SUPPLIES', 14, 0, 0, 0.4, 0.5, 1.6, 0.1, 0.5, true),
  f('PLAYERS AND ELECTRONICS', 17, 0, 0, 0.3, 0.8, 1.6, 0.1, 1.8, true),
  f('POULTRY', 54, 1, 1.4, 1.3, 1.1, 2.0, 0.2, 1.2),
  f('PREPARED FOODS', 26, 1, 0, 0.9, 1.4, 1.7, 0.15, 1.0),
  f('PRODUCE', 306, 1, 1.1, 1.5, 1.1, 1.8, 0.25, 0.7),
  f('SCHOOL AND OFFICE SUPPLIES', 15, 0, 0, 0.3, 0.3, 1.4, 0.05, 0.6, true),
  f('SEAFOOD', 8, 1, 0.7, 0.6, 0.8, 1.8, 0.15, 1.5),
];

/**
 * Store-traffic shape by weekday (0 = Sunday … 6 = Saturday), summing to zero: Ecuadorian supermarkets peak on
 * Sunday and Saturday and are quietest mid-week. In the Kaggle data weekend unit sales stand well above the
 * Monday–Thursday level, by how much depends on the family (`weekend`).
 */
export const WEEKDAY_SHAPE: readonly number[] = [0.36, -0.14, -0.18, -0.14, -0.12, 0.02, 0.2];

/**
 * Multiplier of an item's sales on a weekday: 1 + weekend strength × traffic shape, the strength being the
 * family's times the item's own `weekendScale` (1 for a typical item).
 */
export function weekdayFactor(family: FamilyProfile, weekday: number, weekendScale = 1): number {
  return Math.max(0.2, 1 + family.weekend * weekendScale * WEEKDAY_SHAPE[weekday]);
}

/** Four-digit class codes: family k owns 1000 + 200k … (even numbers, like Kaggle's codes). */
export function classCodesOf(familyIndex: number): number[] {
  const family = FAMILY_PROFILES[familyIndex];
  const count = Math.min(90, Math.max(1, Math.round(family.itemWeight / 20)));
  return Array.from({ length: count }, (_, j) => 1000 + 200 * familyIndex + 2 * (j + 1));
}
