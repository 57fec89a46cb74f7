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

  constructor(cap: number, day: string) {
    super(
      `ETL_MAX_CALLS_PER_DAY (${cap}) reached: ${cap} API calls were started on ${day} (UTC) by ` +
        'the processes on this database; no request starts again before 00:00 UTC, and the ' +
        'rankings not fetched stay pending for the next run (the scheduler resumes then)',
    );
    this.cap = cap;
    this.day = day;
  }
}
