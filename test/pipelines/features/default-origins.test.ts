import { describe, expect, it } from 'vitest';
import { addDays, defaultOrigins, isIsoDate, lastLabelDay } from '../../../pipelines/features/index.js';

describe('defaultOrigins', () => {
  it('puts the test origin the day after the last observed day, validation 21 days before, training weekly before that', () => {
    const origins = defaultOrigins('2017-08-15');
    expect(origins.test).toBe('2017-08-16');
    expect(origins.validation).toBe('2017-07-26');
    expect(origins.training).toEqual(['2017-07-19', '2017-07-12', '2017-07-05', '2017-06-28', '2017-06-21', '2017-06-14']);
    // Every labelled origin has its 16 label days observed; all share the validation origin's weekday.
    for (const origin of [origins.validation, ...origins.training]) {
      expect(lastLabelDay(origin) <= '2017-08-15').toBe(true);
      expect(new Date(`${origin}T00:00:00Z`).getUTCDay()).toBe(new Date(`${origins.validation}T00:00:00Z`).getUTCDay());
    }
  });

  it('crosses month and year ends', () => {
    expect(defaultOrigins('2016-12-31')).toEqual({
      test: '2017-01-01',
      validation: '2016-12-11',
      training: ['2016-12-04', '2016-11-27', '2016-11-20', '2016-11-13', '2016-11-06', '2016-10-30'],
    });
  });
});

describe('ISO dates', () => {
  it('accepts only real calendar dates written YYYY-MM-DD', () => {
    expect(isIsoDate('2016-02-29')).toBe(true);
    for (const bad of ['2017-02-29', '2017-13-01', '2017-1-01', '20170101', '2017-01-01T00:00:00Z', '']) expect(isIsoDate(bad)).toBe(false);
  });

  it('adds days across leap days', () => {
    expect(addDays('2016-02-28', 1)).toBe('2016-02-29');
    expect(addDays('2016-03-01', -1)).toBe('2016-02-29');
    expect(addDays('2017-08-16', -365)).toBe('2016-08-16');
  });
});
