import { describe, expect, it } from 'vitest';
import {
  adjacentPeriodValues,
  endedPeriodsOverlapping,
  hasEnded,
  isValidPeriodValue,
  parseIsoDate,
  periodBounds,
  periodContaining,
} from '../../src/plan/periods.ts';

const DAY_MS = 86_400_000;

/** Reference ISO week by the Thursday rule, independent of date-fns. */
function referenceIsoWeek(utcMs: number): string {
  const date = new Date(utcMs);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(utcMs + (3 - weekday) * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const jan1 = Date.UTC(weekYear, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / DAY_MS / 7) + 1;
  return `${weekYear}-${String(week).padStart(2, '0')}`;
}

describe('periods', () => {
  it('maps every day from 2000 to 2040 to the ISO week and month that contain it', () => {
    const first = Date.UTC(2000, 0, 1);
    const last = Date.UTC(2040, 11, 31);
    let checked = 0;
    for (let ms = first; ms <= last; ms += DAY_MS) {
      const day = new Date(ms).toISOString().slice(0, 10);
      const week = periodContaining('week', new Date(ms));
      expect(week).toBe(referenceIsoWeek(ms));
      const weekBounds = periodBounds('week', week);
      expect(weekBounds).toBeDefined();
      if (!weekBounds) continue;
      expect(weekBounds.start <= day && day <= weekBounds.end).toBe(true);
      expect(new Date(`${weekBounds.start}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(new Date(`${weekBounds.end}T00:00:00Z`).getUTCDay()).toBe(0);
      const month = periodContaining('month', new Date(ms));
      expect(month).toBe(day.slice(0, 7));
      const monthBounds = periodBounds('month', month);
      expect(monthBounds?.start).toBe(`${month}-01`);
      expect(periodBounds('day', day)).toEqual({ start: day, end: day });
      checked++;
    }
    expect(checked).toBe(14_976);
  });

  it('follows the ISO week-year rules at year boundaries', () => {
    expect(periodBounds('week', '2020-53')).toEqual({ start: '2020-12-28', end: '2021-01-03' });
    expect(periodBounds('week', '2026-53')).toEqual({ start: '2026-12-28', end: '2027-01-03' });
    expect(periodBounds('week', '2027-01')).toEqual({ start: '2027-01-04', end: '2027-01-10' });
    expect(periodBounds('week', '2026-14')).toEqual({ start: '2026-03-30', end: '2026-04-05' });
    expect(isValidPeriodValue('week', '2025-53')).toBe(false);
    expect(isValidPeriodValue('week', '2026-00')).toBe(false);
    expect(isValidPeriodValue('week', '2026-1')).toBe(false);
  });

  it('rejects impossible days and months instead of rolling them over', () => {
    expect(isValidPeriodValue('day', '2026-02-29')).toBe(false);
    expect(isValidPeriodValue('day', '2024-02-29')).toBe(true);
    expect(isValidPeriodValue('day', '2026-4-1')).toBe(false);
    expect(isValidPeriodValue('month', '2026-13')).toBe(false);
    expect(periodBounds('month', '2024-02')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
  });

  it('reads years before 100 as themselves, not as 19xx as the Date constructor would', () => {
    expect(parseIsoDate('0001-01-01')?.getFullYear()).toBe(1);
    expect(parseIsoDate('0099-12-31')?.getFullYear()).toBe(99);
    expect(isValidPeriodValue('day', '0001-01-01')).toBe(true);
  });

  it('counts a period as ended only once its last day is before today in UTC', () => {
    const now = new Date('2026-04-06T00:30:00Z');
    expect(hasEnded('day', '2026-04-05', now)).toBe(true);
    expect(hasEnded('day', '2026-04-06', now)).toBe(false);
    expect(hasEnded('week', '2026-14', now)).toBe(true);
    expect(hasEnded('week', '2026-15', now)).toBe(false);
    expect(hasEnded('month', '2026-03', now)).toBe(true);
    expect(hasEnded('month', '2026-04', now)).toBe(false);
  });

  it('selects every ended period that overlaps the range, oldest first', () => {
    const now = new Date('2026-04-08T12:00:00Z');
    expect(endedPeriodsOverlapping('week', '2026-03-31', '2026-04-30', now)).toEqual(['2026-14']);
    expect(endedPeriodsOverlapping('month', '2026-02-28', '2026-04-30', now)).toEqual([
      '2026-02',
      '2026-03',
    ]);
    expect(endedPeriodsOverlapping('day', '2026-04-05', '2026-04-30', now)).toEqual([
      '2026-04-05',
      '2026-04-06',
      '2026-04-07',
    ]);
    expect(endedPeriodsOverlapping('day', '2026-04-05', '2026-04-01', now)).toEqual([]);
  });
  it('names the periods just before and after a day, an ISO week and a month, across year ends', () => {
    const around = (type: 'day' | 'week' | 'month', value: string) => {
      const bounds = periodBounds(type, value);
      if (!bounds) throw new Error(`not a ${type}: ${value}`);
      return adjacentPeriodValues(type, bounds);
    };
    expect(around('day', '2026-03-01')).toEqual({ previous: '2026-02-28', next: '2026-03-02' });
    expect(around('day', '2025-12-31')).toEqual({ previous: '2025-12-30', next: '2026-01-01' });
    expect(around('week', '2026-01')).toEqual({ previous: '2025-52', next: '2026-02' });
    expect(around('week', '2026-53')).toEqual({ previous: '2026-52', next: '2027-01' });
    expect(around('week', '2021-01')).toEqual({ previous: '2020-53', next: '2021-02' });
    expect(around('month', '2026-01')).toEqual({ previous: '2025-12', next: '2026-02' });
    expect(around('month', '2026-12')).toEqual({ previous: '2026-11', next: '2027-01' });
  });
});
