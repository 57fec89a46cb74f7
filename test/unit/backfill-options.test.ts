import { describe, expect, it } from 'vitest';
import { resolveBackfillOptions } from '../../src/commands/backfill-options.ts';
import { loadConfig } from '../../src/config.ts';
import { EARLIEST_RANKING_DAY } from '../../src/plan/periods.ts';

const NOW = new Date('2026-12-01T10:00:00Z');
const config = loadConfig({});

function reasonFor(flags: Parameters<typeof resolveBackfillOptions>[0]): string {
  try {
    resolveBackfillOptions(flags, config, NOW);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return 'accepted';
}

describe('resolveBackfillOptions dates', () => {
  it('runs to today (UTC) when --to is left out, and accepts a range starting today', () => {
    expect(resolveBackfillOptions({ from: '2026-11-01' }, config, NOW)).toMatchObject({
      from: '2026-11-01',
      to: '2026-12-01',
    });
    expect(reasonFor({ from: '2026-12-01' })).toBe('accepted');
    expect(reasonFor({ from: '2026-11-20', to: '2027-01-31' })).toBe('accepted');
  });

  it('refuses a range entirely in the future, saying why nothing in it can load', () => {
    expect(reasonFor({ from: '2026-12-02' })).toBe(
      '--from 2026-12-02 is in the future (today is 2026-12-01, UTC): a ranking is loaded once ' +
        'its period has ended, so nothing in this range can be loaded yet',
    );
    expect(reasonFor({ from: '2027-01-01', to: '2027-02-01' })).toMatch(/is in the future/);
  });

  it(`refuses days before ${EARLIEST_RANKING_DAY}, when TikTok Shop opened, naming the bound`, () => {
    expect(reasonFor({ from: '2021-03-31' })).toBe(
      '--from 2021-03-31 is before 2021-04-01: TikTok Shop opened in April 2021, so FastMoss ' +
        'has no ranking earlier; give 2021-04-01 or later',
    );
    expect(reasonFor({ from: '0001-01-01' })).toMatch(/^--from 0001-01-01 is before 2021-04-01/);
    expect(reasonFor({ from: '1970-01-01', to: '2026-01-01' })).toMatch(/is before 2021-04-01/);
    expect(reasonFor({ from: EARLIEST_RANKING_DAY, to: '2021-04-30' })).toBe('accepted');
  });

  it('tells a malformed date from a date the calendar does not have', () => {
    expect(reasonFor({ from: '2026-4-1' })).toBe(
      "--from must be a date like 2026-04-01 (YYYY-MM-DD), got '2026-4-1'",
    );
    expect(reasonFor({ from: '01/04/2026' })).toMatch(/must be a date like 2026-04-01/);
    expect(reasonFor({ from: '2026-02-29' })).toBe(
      '--from 2026-02-29 is not a day of the calendar (check the month and day)',
    );
    expect(reasonFor({ from: '2026-11-01', to: '2026-13-01' })).toMatch(
      /^--to 2026-13-01 is not a day of the calendar/,
    );
  });

  it('refuses --to before --from, and a missing --from, with what to give instead', () => {
    expect(reasonFor({ from: '2026-04-05', to: '2026-04-01' })).toBe(
      '--to 2026-04-01 is before --from 2026-04-05; the range runs from --from, the earlier day, to --to',
    );
    expect(reasonFor({ to: '2026-04-01' })).toBe(
      'backfill needs --from YYYY-MM-DD, the first day to load (--to defaults to today)',
    );
  });
});
