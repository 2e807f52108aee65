import { FAMILY_PROFILES } from './family-profiles.js';
import { hash32, mix32, STREAM, UNIT_SCALE } from './hash-rng.js';
import type { SyntheticItem } from './item-catalog.js';

/** Campaigns are planned in 28-day slots per item, each slot holding at most one campaign. */
export const PROMO_SLOT_DAYS = 28;

/** One promotion campaign: an item on promotion in a share of the stores for one, two or three weeks. */
export interface Campaign {
  readonly slot: number;
  readonly firstDay: number;
  readonly days: 7 | 14 | 21;
  /** Probability that a given store joins the campaign. */
  readonly storeShare: number;
}

/**
 * The campaign covering `day` for an item, if any. Slots are aligned per item with a hashed phase, so campaigns
 * of different items start on different days.
 */
export function campaignOn(seed: number, item: SyntheticItem, day: number): Campaign | undefined {
  const phase = hash32(seed, STREAM.promoPhase, item.itemNbr) % PROMO_SLOT_DAYS;
  const slot = Math.floor((day + phase) / PROMO_SLOT_DAYS);
  const h = hash32(seed, STREAM.promoSlot, item.itemNbr, slot);
  if (h * UNIT_SCALE >= FAMILY_PROFILES[item.familyIndex].promoRate) return undefined;
  const detail = mix32(h ^ 0x2545f491);
  const days = (7 * (1 + (detail % 3))) as Campaign['days'];
  const offset = (detail >>> 8) % (PROMO_SLOT_DAYS - days + 1);
  const firstDay = slot * PROMO_SLOT_DAYS - phase + offset;
  if (day < firstDay || day >= firstDay + days) return undefined;
  return { slot, firstDay, days, storeShare: 0.3 + (0.6 * ((detail >>> 20) & 0xff)) / 255 };
}

/** Whether a store joins an item's campaign (independent of the day, so a store is in for the whole campaign). */
export function storeJoins(seed: number, itemNbr: number, campaign: Campaign, storeNbr: number): boolean {
  return hash32(seed, STREAM.promoStore, itemNbr, campaign.slot, storeNbr) * UNIT_SCALE < campaign.storeShare;
}

/**
 * The promotion plan for one day at a time, laid out for the generator's inner loop: after `prepare(day)`,
 * `slot[i]` is item i's campaign slot (or -1). Store decisions are cached per campaign, since a store that joins
 * a campaign stays in it for all its days.
 */
export class PromotionPlan {
  readonly slot: Int32Array;
  private readonly threshold: Float64Array;
  /** At s × items + i: (slot << 1 | joined) + 1 for the last campaign decided, 0 for none yet. */
  private readonly decided: Int32Array;
  private preparedDay = Number.NaN;

  constructor(
    private readonly seed: number,
    private readonly items: readonly SyntheticItem[],
    private readonly storeNbrs: readonly number[],
  ) {
    this.slot = new Int32Array(items.length).fill(-1);
    this.threshold = new Float64Array(items.length);
    this.decided = new Int32Array(items.length * storeNbrs.length);
  }

  /** Computes every item's campaign state for the day. */
  prepare(day: number): void {
    if (day === this.preparedDay) return;
    this.preparedDay = day;
    for (let i = 0; i < this.items.length; i++) {
      const campaign = campaignOn(this.seed, this.items[i], day);
      this.slot[i] = campaign ? campaign.slot : -1;
      this.threshold[i] = campaign ? campaign.storeShare * 4294967296 : 0;
    }
  }

  /** Whether item i is promoted in store s on the prepared day (the caller checks assortment and life cycle). */
  joins(i: number, s: number): boolean {
    const slot = this.slot[i];
    if (slot < 0) return false;
    const at = s * this.items.length + i;
    const cached = this.decided[at] - 1;
    if (cached >= 0 && cached >> 1 === slot) return (cached & 1) === 1;
    const joined = hash32(this.seed, STREAM.promoStore, this.items[i].itemNbr, slot, this.storeNbrs[s]) < this.threshold[i];
    this.decided[at] = ((slot << 1) | (joined ? 1 : 0)) + 1;
    return joined;
  }
}
