import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.ts';
import {
  checkCycleCrons,
  cyclePeriods,
  cyclesForRunNow,
  DEFAULT_CRONS,
  dueCyclesToday,
  spendCapResumeAt,
} from '../../src/schedule/cycles.ts';

const at = (iso: string) => new Date(iso);

describe('cyclePeriods', () => {
  it('daily loads yesterday and the lookback days before it, newest first', () => {
    expect(cyclePeriods('daily', at('2026-04-15T02:30:00Z'), 3)).toEqual({
      kind: 'daily',
      periodType: 'day',
      periodValues: ['2026-04-14', '2026-04-13', '2026-04-12', '2026-04-11'],
      force: true,
    });
  });

  it('daily crosses the end of February in a common year', () => {
    expect(cyclePeriods('daily', at('2026-03-01T02:30:00Z'), 3).periodValues).toEqual([
      '2026-02-28',
      '2026-02-27',
      '2026-02-26',
      '2026-02-25',
    ]);
  });

  it('daily crosses a year boundary', () => {
    expect(cyclePeriods('daily', at('2027-01-02T02:30:00Z'), 2).periodValues).toEqual([
      '2027-01-01',
      '2026-12-31',
      '2026-12-30',
    ]);
  });

  it('daily with no lookback loads only yesterday', () => {
    expect(cyclePeriods('daily', at('2026-04-15T00:00:00Z'), 0).periodValues).toEqual([
      '2026-04-14',
    ]);
  });

  it('uses the UTC date whatever the hour, including the last second of a day', () => {
    expect(cyclePeriods('daily', at('2026-04-15T23:59:59Z'), 0).periodValues).toEqual([
      '2026-04-14',
    ]);
    expect(cyclePeriods('daily', at('2026-04-15T23:59:59-05:00'), 0).periodValues).toEqual([
      '2026-04-15',
    ]);
  });

  it('weekly on a Monday loads the last ISO week and the one before', () => {
    expect(cyclePeriods('weekly', at('2026-04-13T03:00:00Z'), 3)).toEqual({
      kind: 'weekly',
      periodType: 'week',
      periodValues: ['2026-15', '2026-14'],
      force: true,
    });
  });

  it('weekly on Monday 2027-01-04 loads weeks 53 and 52 of ISO week-year 2026', () => {
    expect(cyclePeriods('weekly', at('2027-01-04T03:00:00Z'), 3).periodValues).toEqual([
      '2026-53',
      '2026-52',
    ]);
  });

  it('weekly on Monday 2026-01-05 loads week 1 of 2026 (which began in 2025) and 2025-52', () => {
    expect(cyclePeriods('weekly', at('2026-01-05T03:00:00Z'), 3).periodValues).toEqual([
      '2026-01',
      '2025-52',
    ]);
  });

  it('weekly on a Sunday loads the two weeks before the current one', () => {
    expect(cyclePeriods('weekly', at('2026-04-19T12:00:00Z'), 3).periodValues).toEqual([
      '2026-15',
      '2026-14',
    ]);
  });

  it('monthly on 2026-01-02 loads December 2025', () => {
    expect(cyclePeriods('monthly', at('2026-01-02T03:30:00Z'), 3)).toEqual({
      kind: 'monthly',
      periodType: 'month',
      periodValues: ['2025-12'],
      force: true,
    });
  });

  it('monthly on the last day of a month still loads the month before', () => {
    expect(cyclePeriods('monthly', at('2026-03-31T23:00:00Z'), 3).periodValues).toEqual([
      '2026-02',
    ]);
  });

  it('rejects a negative or fractional lookback as a configuration error', () => {
    expect(() => cyclePeriods('daily', at('2026-04-15T00:00:00Z'), -1)).toThrow(ConfigError);
    expect(() => cyclePeriods('daily', at('2026-04-15T00:00:00Z'), 1.5)).toThrow(ConfigError);
  });
});

describe('dueCyclesToday', () => {
  it('is only daily on an ordinary weekday', () => {
    expect(dueCyclesToday(at('2026-04-15T10:00:00Z'))).toEqual(['daily']);
  });

  it('adds weekly on a Monday, at any hour of that UTC day', () => {
    expect(dueCyclesToday(at('2026-04-13T00:00:00Z'))).toEqual(['daily', 'weekly']);
    expect(dueCyclesToday(at('2026-04-13T23:59:59Z'))).toEqual(['daily', 'weekly']);
  });

  it('adds monthly on the 2nd of the month', () => {
    expect(dueCyclesToday(at('2026-01-02T01:00:00Z'))).toEqual(['daily', 'monthly']);
  });

  it('is all three when the 2nd of the month is a Monday', () => {
    expect(dueCyclesToday(at('2026-02-02T12:00:00Z'))).toEqual(['daily', 'weekly', 'monthly']);
  });

  it('follows custom crons, including node-cron day tokens such as L', () => {
    const crons = { daily: '0 6 * * 1-5', weekly: '0 4 * * 0', monthly: '0 5 L * *' };
    expect(dueCyclesToday(at('2026-04-30T12:00:00Z'), crons)).toEqual(['daily', 'monthly']);
    expect(dueCyclesToday(at('2026-04-19T12:00:00Z'), crons)).toEqual(['weekly']);
  });
});

describe('cyclesForRunNow', () => {
  it('loads every kind, forcing only the cycles the schedule runs today', () => {
    expect(cyclesForRunNow(at('2026-04-15T10:00:00Z'), 3)).toEqual([
      {
        kind: 'daily',
        periodType: 'day',
        periodValues: ['2026-04-14', '2026-04-13', '2026-04-12', '2026-04-11'],
        force: true,
      },
      { kind: 'weekly', periodType: 'week', periodValues: ['2026-15', '2026-14'], force: false },
      { kind: 'monthly', periodType: 'month', periodValues: ['2026-03'], force: false },
    ]);
  });

  it('on Monday 2027-01-04 forces the weekly cycle over weeks 2026-53 and 2026-52', () => {
    const cycles = cyclesForRunNow(at('2027-01-04T08:00:00Z'), 3, DEFAULT_CRONS);
    expect(cycles.map((cycle) => [cycle.kind, cycle.force, cycle.periodValues])).toEqual([
      ['daily', true, ['2027-01-03', '2027-01-02', '2027-01-01', '2026-12-31']],
      ['weekly', true, ['2026-53', '2026-52']],
      ['monthly', false, ['2026-12']],
    ]);
  });
});

describe('checkCycleCrons', () => {
  it('accepts the defaults', () => {
    expect(() => checkCycleCrons(DEFAULT_CRONS)).not.toThrow();
  });

  it('rejects a bad expression with a ConfigError naming the cycle', () => {
    const crons = { ...DEFAULT_CRONS, weekly: '0 3 * * Funday' };
    expect(() => checkCycleCrons(crons)).toThrow(ConfigError);
    expect(() => checkCycleCrons(crons)).toThrow(/weekly cycle/);
  });
});

describe('spendCapResumeAt', () => {
  it('resumes a minute after the next 00:00 UTC, across month and year ends', () => {
    expect(spendCapResumeAt(new Date('2026-04-02T10:15:00Z')).toISOString()).toBe(
      '2026-04-03T00:01:00.000Z',
    );
    expect(spendCapResumeAt(new Date('2026-12-31T23:59:59Z')).toISOString()).toBe(
      '2027-01-01T00:01:00.000Z',
    );
    expect(spendCapResumeAt(new Date('2026-02-28T00:00:00Z')).toISOString()).toBe(
      '2026-03-01T00:01:00.000Z',
    );
  });
});
