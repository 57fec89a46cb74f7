import { describe, expect, it } from 'vitest';
import { demoWeek } from '../../src/commands/demo-plan.ts';
import { hasEnded } from '../../src/plan/periods.ts';

describe('demoWeek', () => {
  it('takes the last ISO week wholly inside the month before today', () => {
    // October 2026 ends on a Saturday: the week of 26 October runs into November.
    expect(demoWeek(new Date('2026-11-25T06:00:00Z'))).toEqual({
      from: '2026-10-19',
      to: '2026-10-25',
      week: '2026-43',
      month: '2026-10',
    });
  });

  it('takes the month’s last week when the month ends on a Sunday', () => {
    // May 2026 ends on Sunday the 31st.
    expect(demoWeek(new Date('2026-06-01T00:00:00Z'))).toEqual({
      from: '2026-05-25',
      to: '2026-05-31',
      week: '2026-22',
      month: '2026-05',
    });
  });

  it('crosses a year end into the previous December', () => {
    expect(demoWeek(new Date('2027-01-01T12:00:00Z'))).toEqual({
      from: '2026-12-21',
      to: '2026-12-27',
      week: '2026-52',
      month: '2026-12',
    });
  });

  it('chooses periods that have all ended, so days, week and month all load', () => {
    for (const today of ['2026-03-01', '2026-03-31', '2026-07-15', '2028-03-01']) {
      const now = new Date(`${today}T00:00:00Z`);
      const week = demoWeek(now);
      expect(hasEnded('day', week.to, now)).toBe(true);
      expect(hasEnded('week', week.week, now)).toBe(true);
      expect(hasEnded('month', week.month, now)).toBe(true);
      expect(week.from.slice(0, 7)).toBe(week.month);
    }
  });
});
