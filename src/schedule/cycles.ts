import { UTCDate } from '@date-fns/utc';
import { startOfMonth } from 'date-fns/startOfMonth';
import { subDays } from 'date-fns/subDays';
import { createTask, parse, validate } from 'node-cron';
import { ConfigError } from '../domain/errors.ts';
import type { PeriodType } from '../domain/ranking.ts';
import { periodContaining } from '../plan/periods.ts';

/**
 * What the schedule loads and when. Pure: every function takes the clock as an argument, so the
 * periods a cycle loads on a given day are pinned by unit tests.
 */

export const CYCLE_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type CycleKind = (typeof CYCLE_KINDS)[number];

export type CycleCrons = Record<CycleKind, string>;

/** Cron expressions, evaluated in UTC. */
export const DEFAULT_CRONS: CycleCrons = {
  daily: '30 2 * * *',
  weekly: '0 3 * * 1',
  monthly: '30 3 2 * *',
};

export const CYCLE_TIMEZONE = 'UTC';

/** Days before yesterday that the daily cycle refetches, because upstream revises recent days. */
export const DEFAULT_LOOKBACK_DAYS = 3;

export const CYCLE_PERIOD_TYPE: Record<CycleKind, PeriodType> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
};

export interface CyclePeriods {
  kind: CycleKind;
  periodType: PeriodType;
  /** Newest first. */
  periodValues: string[];
  /**
   * Reload these periods even where already loaded. A scheduled cycle refreshes its whole window
   * (upstream revises recent figures); a catch-up only fills what is missing or failed.
   */
  force: boolean;
}

function checkLookbackDays(lookbackDays: number): void {
  if (!Number.isInteger(lookbackDays) || lookbackDays < 0) {
    throw new ConfigError(`lookback days must be a whole number >= 0, got ${lookbackDays}`);
  }
}

/**
 * The periods a cycle of `kind` loads when it runs at `now`:
 * - daily: yesterday and the `lookbackDays` days before it;
 * - weekly: the last ended ISO week and the one before it;
 * - monthly: the last ended month.
 * Every period returned has ended by `now` (UTC).
 */
export function cyclePeriods(kind: CycleKind, now: Date, lookbackDays: number): CyclePeriods {
  checkLookbackDays(lookbackDays);
  const today = new UTCDate(now.getTime());
  const periodType = CYCLE_PERIOD_TYPE[kind];
  let periodValues: string[];
  switch (kind) {
    case 'daily':
      periodValues = Array.from({ length: lookbackDays + 1 }, (_, index) =>
        periodContaining('day', subDays(today, index + 1)),
      );
      break;
    case 'weekly':
      periodValues = [7, 14].map((daysAgo) => periodContaining('week', subDays(today, daysAgo)));
      break;
    case 'monthly':
      periodValues = [periodContaining('month', subDays(startOfMonth(today), 1))];
      break;
  }
  return { kind, periodType, periodValues, force: true };
}

/** Throws a ConfigError naming the first cycle whose cron expression node-cron rejects. */
export function checkCycleCrons(crons: CycleCrons): void {
  for (const kind of CYCLE_KINDS) {
    if (!validate(crons[kind])) {
      throw new ConfigError(`invalid cron expression for the ${kind} cycle: "${crons[kind]}"`);
    }
  }
}

/** Whether `cron` fires at some time on the UTC calendar day of `now`. */
function firesOnDay(cron: string, now: Date): boolean {
  const fields = parse(cron);
  const [hour, minute, second] = [fields.hour[0], fields.minute[0], fields.second[0]];
  if (hour === undefined || minute === undefined || second === undefined) return false;
  // Time-of-day fields never depend on the date, so the day matches iff its first firing time does.
  const day = new UTCDate(now.getTime());
  const firstFiring = new Date(
    Date.UTC(day.getFullYear(), day.getMonth(), day.getDate(), hour, minute, second),
  );
  // An unstarted task owns no timer; it is used only for node-cron's own day matching (L, W, #).
  const task = createTask(cron, () => undefined, { timezone: CYCLE_TIMEZONE });
  try {
    return task.match(firstFiring);
  } finally {
    void task.destroy();
  }
}

/** The cycle kinds whose cron fires on the UTC day of `now`, in CYCLE_KINDS order. */
export function dueCyclesToday(now: Date, crons: CycleCrons = DEFAULT_CRONS): CycleKind[] {
  checkCycleCrons(crons);
  return CYCLE_KINDS.filter((kind) => firesOnDay(crons[kind], now));
}

/**
 * What `run` loads: every cycle kind's periods as of `now`. Cycles due today are forced, exactly
 * as the scheduler would run them; the others only fill in what is missing or failed, so `run` on
 * any day also catches up a weekly or monthly cycle that a stopped scheduler missed, cheaply.
 */
export function cyclesForRunNow(
  now: Date,
  lookbackDays: number = DEFAULT_LOOKBACK_DAYS,
  crons: CycleCrons = DEFAULT_CRONS,
): CyclePeriods[] {
  const due = new Set(dueCyclesToday(now, crons));
  return CYCLE_KINDS.map((kind) => ({
    ...cyclePeriods(kind, now, lookbackDays),
    force: due.has(kind),
  }));
}

/** How long after 00:00 UTC a run stopped by ETL_MAX_CALLS_PER_DAY resumes: past clock skew. */
export const SPEND_CAP_RESUME_DELAY_MS = 60_000;

/**
 * When a scheduler whose run reached ETL_MAX_CALLS_PER_DAY at `now` resumes: just after the next
 * 00:00 UTC, when the database's count of the day starts again.
 */
export function spendCapResumeAt(now: Date): Date {
  const nextDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return new Date(nextDay + SPEND_CAP_RESUME_DELAY_MS);
}
