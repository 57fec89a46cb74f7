import { FastmossError } from './errors.ts';

export const DAILY_CALL_CAP_CODE = 'ETL_DAILY_CALL_CAP';

/**
 * ETL_MAX_CALLS_PER_DAY is used up: the shared budget refused to start one more request today
 * (UTC), for any process on the database. Fatal to the run; the rankings not fetched stay
 * pending, and the next UTC day starts a new count.
 */
export class DailyCallCapError extends FastmossError {
  readonly code = DAILY_CALL_CAP_CODE;
  readonly runEndReason = 'spend_cap' as const;
  /** ETL_MAX_CALLS_PER_DAY. */
  readonly cap: number;
  /** The UTC day whose calls reached it, `YYYY-MM-DD`. */
  readonly day: string;

  /**
   * `ranking`: refused when a ranking asked for its pages ahead, with the calls the day had
   * counted and the pages asked for; without it, a single start found the cap reached.
   */
  constructor(cap: number, day: string, ranking?: { counted: number; pages: number }) {
    super(
      ranking === undefined
        ? `ETL_MAX_CALLS_PER_DAY (${cap}) reached: ${cap} API calls were started on ${day} (UTC) by ` +
            'the processes on this database; no request starts again before 00:00 UTC, and the ' +
            'rankings not fetched stay pending for the next run (the scheduler resumes then)'
        : `ETL_MAX_CALLS_PER_DAY (${cap}) reached for a whole ranking: ${ranking.counted} API ` +
            `calls were counted on ${day} (UTC) by the processes on this database, and a ranking ` +
            `is begun only when the day can pay for all its pages (up to ${ranking.pages}), so ` +
            'none is paid for twice; the rankings not fetched stay pending for the next run (the ' +
            'scheduler resumes after 00:00 UTC)',
    );
    this.cap = cap;
    this.day = day;
  }
}
