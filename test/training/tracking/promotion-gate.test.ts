/** The gate's decision rule, on its own. */
import { describe, expect, it } from 'vitest';
import { decidePromotion, sameWindow, windowLabel, type ValidationWindow } from '../../../training/tracking/index.js';

const window: ValidationWindow = { lake: './lake', origin: '2017-07-26', lastDay: '2017-08-10' };
const challenger = { version: '4', nwrmsle: 0.5 };

describe('decidePromotion', () => {
  it('promotes the first version when there is no champion', () => {
    expect(decidePromotion(challenger, { kind: 'none' }, window)).toEqual({ promote: true, reason: 'no champion yet: version 4 (NWRMSLE 0.500000) becomes the first' });
  });

  it('promotes only a strictly lower score than the champion’s on the same window', () => {
    const scored = (nwrmsle: number, rescored = false) => ({ kind: 'scored' as const, version: '3', nwrmsle, rescored });
    expect(decidePromotion(challenger, scored(0.51), window)).toEqual({
      promote: true,
      reason: 'version 4 scores 0.500000 on 2017-07-26..2017-08-10 @ ./lake, champion version 3 0.510000 (trained on this window): better, promoted',
    });
    expect(decidePromotion(challenger, scored(0.5), window).promote).toBe(false);
    expect(decidePromotion(challenger, scored(0.49, true), window)).toEqual({
      promote: false,
      reason: 'version 4 scores 0.500000 on 2017-07-26..2017-08-10 @ ./lake, champion version 3 0.490000 (rescored on this window): not better, champion kept',
    });
    expect(decidePromotion(challenger, scored(Number.NaN), window).promote).toBe(true);
  });

  it('never promotes a challenger without a finite score, and replaces a champion that cannot run', () => {
    expect(decidePromotion({ version: '4', nwrmsle: Number.NaN }, { kind: 'none' }, window)).toEqual({ promote: false, reason: 'version 4 has no finite validation NWRMSLE (NaN)' });
    const incompatible = decidePromotion(challenger, { kind: 'incompatible', version: '3', reason: '600 features, this shelfcast builds 631' }, window);
    expect(incompatible).toEqual({ promote: true, reason: "champion version 3 cannot run on this shelfcast's features (600 features, this shelfcast builds 631); version 4 replaces it" });
  });
});

describe('validation windows', () => {
  it('are the same only for the same origin in the same lake', () => {
    expect(sameWindow(window, { ...window })).toBe(true);
    expect(sameWindow(window, { ...window, origin: '2017-08-02', lastDay: '2017-08-17' })).toBe(false);
    expect(sameWindow(window, { ...window, lake: 's3://bucket/lake' })).toBe(false);
    expect(windowLabel(window)).toBe('2017-07-26..2017-08-10 @ ./lake');
  });
});
