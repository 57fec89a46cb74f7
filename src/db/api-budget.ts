import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { DailyCallCapError } from '../fastmoss/daily-call-cap.ts';
import { QuotaError, type RunStopError } from '../fastmoss/errors.ts';
import {
  type CallReservation,
  NO_RESERVATION,
  type RequestStartGate,
  START_TOLERANCE_MS,
  type StartPermit,
} from '../fastmoss/limiter.ts';
import { retryOnConnectionLoss } from './connection-retry.ts';

/*
 * One API request rate for every process on this database (fastmoss.api_budget). A start
 * reserves the next free moment on the database's clock and pushes it on by one spacing
 * (windowMs / rps), in a single upsert: the row lock orders concurrent reservations, so the
 * reserved moments are at least one spacing apart whichever process holds them. Without a daily
 * spend cap, a process reserves a block of consecutive moments per upsert, about 100 ms of the
 * rate (one moment at 5 req/s, at most 64), so a fast run spends one round trip on many
 * requests; a process that stops early leaves at most that much of the budget unused.
 *
 * A moment is only as good as the process's punctuality: one that starts late (a busy event
 * loop, a slow reply) followed by another process's punctual start would put two starts closer
 * than a spacing. So the gate converts the moment to its own clock, never early, and a start
 * that would be more than MAX_LATENESS_MS late gives its moment up and reserves a new one. The
 * lateness counts where the request's first byte is written (the permit is checked again there:
 * on a starved machine the dispatch after the gate can take longer than the whole tolerance), and
 * counts the conversion's own uncertainty: the clock offset is only known to within the fastest
 * round trip seen, and a start late on the database's clock by that much is late all the same.
 *
 * With a spend cap (fastmoss.api_daily_calls, ETL_MAX_CALLS_PER_DAY) each start is reserved
 * alone and the same statement counts it against the day's cap: FastMoss charges per call, so
 * the count is taken before the request starts, whatever its answer.
 */

/**
 * A little over a second, so starts fit the upstream's one-second window despite jitter on the
 * way; the same 5% margin as the in-process limiter (DEFAULT_RATE_WINDOW_MS), so neither caps
 * the other. 5% caps a run at 95.2% of ETL_RPS. It was 10% for a while, after the bundled
 * simulator saw 6 requests in a second at ETL_RPS=5 on a loaded machine; measured with tcpdump
 * beside the simulator's stamps, the requests left on time (any 6 starts on the wire spanned at
 * least 1,039 ms at 5%) and the simulator, starved in the clients' scheduling group, read them
 * up to ~800 ms late: the stamps were squeezed, not the starts (BENCHMARKS.md, rate discipline).
 */
export const SHARED_WINDOW_MS = 1_050;

/**
 * How late a start may be on its reserved moment, on the database's clock, before the moment is
 * given up: the tolerance at the socket every start keeps (START_TOLERANCE_MS).
 */
export const MAX_LATENESS_MS = START_TOLERANCE_MS;

/**
 * The least lateness a start is allowed on our own clock, however uncertain the offset: with a
 * database whose fastest round trip is longer than MAX_LATENESS_MS, moments could otherwise never
 * be met. Starts may then be up to that round trip late on the database's clock.
 */
const MIN_LOCAL_TOLERANCE_MS = 5;

export interface ReservedStart {
  /** The reserved moment, in ms since the epoch on the database's clock. */
  slotMs: number;
  /** The database's clock when it answered, same unit. */
  databaseNowMs: number;
  /** The first account-wide stop recorded after the id asked about, if any (api_run_stops). */
  stop?: RecordedStop;
}

/** A run stop another process recorded in fastmoss.api_run_stops. */
export interface RecordedStop {
  message: string;
  stoppedAt: string;
}

/** The first stop of API_PARAM after AFTER_PARAM (null: none is watched), as one JSON value. */
const STOP_AFTER_SQL = `(SELECT json_build_object('message', s.message,
                             'stoppedAt', to_char(s.stopped_at AT TIME ZONE 'UTC',
                                                  'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
      FROM fastmoss.api_run_stops s
     WHERE s.api = API_PARAM AND s.id > AFTER_PARAM::bigint
     ORDER BY s.id LIMIT 1)`;

/** STOP_AFTER_SQL with its statement's parameter numbers: `$n` text only, never a value. */
const stopAfter = (api: `$${number}`, after: `$${number}`) =>
  STOP_AFTER_SQL.replace('API_PARAM', () => api).replace('AFTER_PARAM', () => after);

/** The day's calls had reached the cap: no moment was reserved, nothing was counted. */
export interface RefusedStart {
  capReached: { cap: number; day: string };
}

/**
 * Reserves the next start of `api`, `spacingMs` after the one before. With `count`, the start is
 * also one call of today's (UTC) count in fastmoss.api_daily_calls, refused once the count has
 * reached `maxCallsPerDay` (null: no cap): the count and the moment are taken in one statement,
 * under the counter row's lock, so processes together never start more than the cap. A moment
 * given up for lateness is reserved again without `count`, as the same call.
 */
export async function reserveCountedStart(
  db: BudgetDatabase,
  api: string,
  spacingMs: number,
  spend: { count: boolean; maxCallsPerDay: number | null },
  leadMs = 0,
  stopsAfter: number | null = null,
): Promise<ReservedStart | RefusedStart> {
  const result = await db.query<{
    slot_ms: number | null;
    database_now_ms: number;
    day: string;
    stop: RecordedStop | null;
  }>(
    `WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS day),
     spend AS (
       INSERT INTO fastmoss.api_daily_calls AS d (api, day, calls)
       SELECT $1, today.day, 1 FROM today WHERE $3::boolean
       ON CONFLICT (api, day) DO UPDATE SET calls = d.calls + 1
         WHERE $4::integer IS NULL OR d.calls < $4::integer
       RETURNING calls),
     slot AS (
       INSERT INTO fastmoss.api_budget AS b (api, next_start_at)
       SELECT $1, clock_timestamp() + make_interval(secs => ($5::float8 + $2::float8) / 1000)
        WHERE NOT $3::boolean OR EXISTS (SELECT 1 FROM spend)
       ON CONFLICT (api) DO UPDATE
         SET next_start_at = greatest(b.next_start_at,
                                      clock_timestamp() + make_interval(secs => $5::float8 / 1000))
                             + make_interval(secs => $2::float8 / 1000)
       RETURNING (extract(epoch FROM b.next_start_at) * 1000 - $2)::float8 AS slot_ms)
     SELECT (SELECT slot_ms FROM slot) AS slot_ms,
            (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS database_now_ms,
            (SELECT to_char(day, 'YYYY-MM-DD') FROM today) AS day,
            ${stopAfter('$1', '$6')} AS stop`,
    [api, spacingMs, spend.count, spend.maxCallsPerDay, leadMs, stopsAfter],
  );
  const row = result.rows[0];
  if (!row) throw new Error('the api_budget upsert returned no row');
  if (row.slot_ms === null) {
    return { capReached: { cap: spend.maxCallsPerDay ?? 0, day: row.day } };
  }
  return {
    slotMs: row.slot_ms,
    databaseNowMs: row.database_now_ms,
    ...(row.stop === null ? {} : { stop: row.stop }),
  };
}

/** Reserves the next start of `api`, `spacingMs` after the one before, counting no call. */
export async function reserveRequestStart(
  db: BudgetDatabase,
  api: string,
  spacingMs: number,
): Promise<ReservedStart> {
  const reserved = await reserveCountedStart(db, api, spacingMs, {
    count: false,
    maxCallsPerDay: null,
  });
  if ('capReached' in reserved) throw new Error('an uncounted start cannot reach the cap');
  return reserved;
}

/** What the budget's statements need of a pool or client. */
export type BudgetDatabase = Pick<pg.Pool, 'query'> | Pick<pg.ClientBase, 'query'>;

/** The most moments one reservation takes, and the stretch of the rate it aims to cover. */
export const MAX_BLOCK = 64;
const BLOCK_MS = 100;

/** Moments per reservation at `rps`: about BLOCK_MS of the rate, 1..MAX_BLOCK. */
export function blockSize(rps: number): number {
  return Math.max(1, Math.min(MAX_BLOCK, Math.floor((rps * BLOCK_MS) / 1000)));
}

/**
 * Reserves the next `count` starts of `api`, `spacingMs` apart, counting no call; `slotMs` is
 * the first of them. One statement, whatever `count`. When the budget is idle, the first is
 * `leadMs` from now rather than now, so the reply can arrive before its moment has gone by.
 */
export async function reserveRequestStarts(
  db: BudgetDatabase,
  api: string,
  spacingMs: number,
  count: number,
  leadMs = 0,
  stopsAfter: number | null = null,
): Promise<ReservedStart> {
  const result = await db.query<{
    slot_ms: number;
    database_now_ms: number;
    stop: RecordedStop | null;
  }>(
    `INSERT INTO fastmoss.api_budget AS b (api, next_start_at)
     VALUES ($1, clock_timestamp() + make_interval(secs => ($4::float8 + $2::float8 * $3) / 1000))
     ON CONFLICT (api) DO UPDATE
       SET next_start_at = greatest(b.next_start_at,
                                    clock_timestamp() + make_interval(secs => $4::float8 / 1000))
                           + make_interval(secs => $2::float8 * $3 / 1000)
     RETURNING (extract(epoch FROM b.next_start_at) * 1000 - $2::float8 * $3)::float8 AS slot_ms,
               (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS database_now_ms,
               ${stopAfter('$1', '$5')} AS stop`,
    [api, spacingMs, count, leadMs, stopsAfter],
  );
  const row = result.rows[0];
  if (!row) throw new Error('the api_budget upsert returned no row');
  return {
    slotMs: row.slot_ms,
    databaseNowMs: row.database_now_ms,
    ...(row.stop === null ? {} : { stop: row.stop }),
  };
}

/**
 * Counts `calls` more of today's (UTC) calls of `api` at once, for the pages of one ranking,
 * unless that would pass `maxCallsPerDay`: then nothing is counted. One statement, under the
 * counter row's lock, like a single start's count.
 */
export async function reserveDailyCalls(
  db: BudgetDatabase,
  api: string,
  calls: number,
  maxCallsPerDay: number,
): Promise<{ day: string } | (RefusedStart & { counted: number })> {
  const result = await db.query<{ day: string; reserved: boolean; counted: number }>(
    `WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS day),
     spend AS (
       INSERT INTO fastmoss.api_daily_calls AS d (api, day, calls)
       SELECT $1, today.day, $2 FROM today WHERE $2::integer <= $3::integer
       ON CONFLICT (api, day) DO UPDATE SET calls = d.calls + $2
         WHERE d.calls + $2::integer <= $3::integer
       RETURNING day)
     SELECT to_char(coalesce((SELECT day FROM spend), today.day), 'YYYY-MM-DD') AS day,
            EXISTS (SELECT 1 FROM spend) AS reserved,
            coalesce((SELECT d.calls FROM fastmoss.api_daily_calls d
                       WHERE d.api = $1 AND d.day = today.day), 0)::integer AS counted
       FROM today`,
    [api, calls, maxCallsPerDay],
  );
  const row = result.rows[0];
  if (!row) throw new Error('the api_daily_calls upsert returned no row');
  if (row.reserved) return { day: row.day };
  return { capReached: { cap: maxCallsPerDay, day: row.day }, counted: row.counted };
}

/** Gives back `calls` counted on `day` (UTC, YYYY-MM-DD) that no request started. */
export async function returnDailyCalls(
  db: BudgetDatabase,
  api: string,
  day: string,
  calls: number,
): Promise<void> {
  await db.query(
    `UPDATE fastmoss.api_daily_calls SET calls = greatest(0, calls - $3::integer)
      WHERE api = $1 AND day = $2::date`,
    [api, day, calls],
  );
}

/**
 * A ranking's calls counted ahead against the cap (see RequestStartGate.reserveCalls). Calls of
 * a reservation count on the day it was made, even if they start after 00:00 UTC. Giving back
 * is best effort: calls it fails to give back stay counted, so the day errs towards fewer calls.
 */
function dailyCallReservation(
  pool: BudgetDatabase,
  api: string,
  maxCallsPerDay: number,
  first: { day: string; calls: number },
): CallReservation {
  let left = first.calls;
  const day = first.day;
  const giveBack = async (calls: number) => {
    await retryOnConnectionLoss(() => returnDailyCalls(pool, api, day, calls)).catch(() => {});
  };
  return {
    take: () => {
      if (left === 0) return false;
      left -= 1;
      return true;
    },
    resize: async (calls) => {
      if (calls < left) {
        const surplus = left - calls;
        left = calls;
        await giveBack(surplus);
      } else if (calls > left) {
        const more = await retryOnConnectionLoss(() =>
          reserveDailyCalls(pool, api, calls - left, maxCallsPerDay),
        );
        if ('capReached' in more) {
          throw new DailyCallCapError(more.capReached.cap, more.capReached.day, {
            counted: more.counted,
            pages: calls,
          });
        }
        left = calls;
      }
    },
    release: async () => {
      if (left === 0) return;
      const surplus = left;
      left = 0;
      await giveBack(surplus);
    },
  };
}

/** API calls started today (UTC) for `api` by every process on the database. */
export async function callsToday(
  db: pg.Pool | pg.ClientBase,
  api: string,
): Promise<{ day: string; calls: number }> {
  const result = await db.query<{ day: string; calls: number }>(
    `SELECT to_char(t.day, 'YYYY-MM-DD') AS day, coalesce(d.calls, 0)::integer AS calls
       FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS day) t
       LEFT JOIN fastmoss.api_daily_calls d ON d.api = $1 AND d.day = t.day`,
    [api],
  );
  return result.rows[0] ?? { day: new Date().toISOString().slice(0, 10), calls: 0 };
}

/**
 * No start of `api`, by any process, before `delayMs` from now (FastMoss said "access frequency
 * limit exceeded"): the next free moment is pushed to at least then. Later reservations queue
 * behind it as usual, so the processes come back one spacing apart, not all at once.
 */
export async function holdRequestStarts(
  db: BudgetDatabase,
  api: string,
  delayMs: number,
): Promise<void> {
  await db.query(
    `INSERT INTO fastmoss.api_budget AS b (api, next_start_at)
     VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 / 1000))
     ON CONFLICT (api) DO UPDATE
       SET next_start_at = greatest(b.next_start_at,
                                    clock_timestamp() + make_interval(secs => $2::float8 / 1000))`,
    [api, delayMs],
  );
}

const OFFSET_SAMPLES = 50;
/** Round trips the lead of a reservation is taken from, the most recent. */
const LEAD_SAMPLES = 5;
/** The most a reservation leads now by, however slow the replies. */
const MAX_LEAD_MS = 100;

/**
 * How far the database's clock is ahead of ours, bounded from replies: the database read its
 * clock between our sending the statement (`sentAt`) and our reading the reply (`readAt`), so
 * the offset lies between `databaseNow - readAt` and `databaseNow - sentAt`. The largest recent
 * lower bound and the smallest recent upper bound (those of the least delayed replies) are the
 * tightest. A moment converted with the lower bound is never early; it can be late on the
 * database's clock by up to the bounds' gap, which `uncertainty` says. Recent samples only, so
 * clock drift and adjustments are followed.
 */
class ClockOffset {
  private readonly lower: number[] = [];
  private readonly upper: number[] = [];

  observe(sentAt: number, databaseNow: number, readAt: number): void {
    this.lower.push(databaseNow - readAt);
    this.upper.push(databaseNow - sentAt);
    if (this.lower.length > OFFSET_SAMPLES) this.lower.shift();
    if (this.upper.length > OFFSET_SAMPLES) this.upper.shift();
  }

  /**
   * How long the last few replies took from the statement's send to our reading it, the most of
   * them: how far ahead a moment is reserved so that the reply comes before it.
   */
  get recentRoundTrip(): number {
    let most = 0;
    for (
      let index = Math.max(0, this.lower.length - LEAD_SAMPLES);
      index < this.lower.length;
      index++
    ) {
      most = Math.max(most, (this.upper[index] ?? 0) - (this.lower[index] ?? 0));
    }
    return most;
  }

  /** The offset to convert with: never more than the true one. */
  get value(): number {
    return Math.max(...this.lower);
  }

  /** How much more than `value` the true offset may be (0 when a clock step crossed the bounds). */
  get uncertainty(): number {
    return Math.max(0, Math.min(...this.upper) - this.value);
  }
}

/** A wait for a moment longer than this looks for a recorded run stop again before it ends. */
const RECHECK_STOPS_AFTER_MS = 100;
/** How long before the moment that second look is taken: room for its round trip. */
const RECHECK_STOPS_AHEAD_MS = 50;

/** The first stop of `api` recorded after `stopsAfter`, as the reservations report it. */
async function recordedStop(
  db: BudgetDatabase,
  api: string,
  stopsAfter: number,
): Promise<{ stop?: RecordedStop }> {
  const { rows } = await db.query<{ stop: RecordedStop | null }>(
    `SELECT ${stopAfter('$1', '$2')} AS stop`,
    [api, stopsAfter],
  );
  const stop = rows[0]?.stop ?? null;
  return stop === null ? {} : { stop };
}

/** The shared gate, and the account-wide run stops it passes between processes. */
export interface SharedStartGate extends RequestStartGate {
  /**
   * From now on, a stop another process records (fastmoss.api_run_stops) stops this process
   * before its next start; stops recorded before are history (a later run tries again).
   */
  watchStops(): Promise<void>;
  recordStop(error: RunStopError): Promise<void>;
}

/**
 * The client's start gate over the shared budget: at most `rps` starts per window, together, and
 * with `maxCallsPerDay` at most that many starts per UTC day; past it, DailyCallCapError.
 * Without a cap, moments are reserved a block at a time and handed out in order; one that can no
 * longer be met within MAX_LATENESS_MS is dropped, never used late.
 */
export function sharedStartGate(
  pool: pg.Pool | BudgetDatabase,
  options: {
    api: string;
    rps: number;
    maxCallsPerDay?: number;
    windowMs?: number;
    now?: () => number;
    block?: number;
  },
): SharedStartGate {
  const spacingMs = (options.windowMs ?? SHARED_WINDOW_MS) / options.rps;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const offset = new ClockOffset();
  const maxCallsPerDay = options.maxCallsPerDay ?? null;
  const block = options.block ?? blockSize(options.rps);
  /** Moments reserved without a cap and not handed out yet, on the database's clock, earliest first. */
  const moments: number[] = [];
  let reserving: Promise<void> | undefined;
  /** Stops recorded after this id stop this process too; null until watchStops() has read it. */
  let stopsAfter: number | null = null;
  /** The stops this gate raised from the table: not recorded again. */
  const told = new WeakSet<Error>();
  const stopIfRecorded = (reserved: { stop?: RecordedStop } | RefusedStart): void => {
    if (!('stop' in reserved) || reserved.stop === undefined) return;
    const error = new QuotaError(
      `FastMoss stopped the run of another process on this database at ` +
        `${reserved.stop.stoppedAt}: ${reserved.stop.message} This process stops too, before its ` +
        'next call.',
    );
    told.add(error);
    throw error;
  };
  /** How far ahead of now an idle budget's next moment is reserved: a recent round trip. */
  const lead = () => Math.min(MAX_LEAD_MS, offset.recentRoundTrip);
  /** A moment on the database's clock converted to ours, with the latest offset: never early. */
  const localMoment = (slotMs: number) => slotMs - offset.value;
  /**
   * Leave to start at `slotMs` (the database's clock), checked again right before the write: at
   * most MAX_LATENESS_MS late however much more than its estimate the offset is, or, when the
   * offset is that uncertain, at most MIN_LOCAL_TOLERANCE_MS late on the estimate.
   */
  const permitFor = (slotMs: number): StartPermit => ({
    onTime: () =>
      now() - localMoment(slotMs) <=
      Math.max(MIN_LOCAL_TOLERANCE_MS, MAX_LATENESS_MS - offset.uncertainty),
  });
  const observed = async <T extends ReservedStart | RefusedStart>(
    reserve: () => Promise<T>,
  ): Promise<T> => {
    const sentAt = now();
    const reserved = await reserve();
    if ('databaseNowMs' in reserved) offset.observe(sentAt, reserved.databaseNowMs, now());
    return reserved;
  };
  /**
   * Sleeps until the moment. A long wait (other processes' starts queued before it) looks for a
   * recorded stop once more shortly before the end, so a quota stop found meanwhile by another
   * process is not paid for again here.
   */
  const waitFor = async (slotMs: number) => {
    let waitMs = localMoment(slotMs) - now();
    if (stopsAfter !== null && waitMs > RECHECK_STOPS_AFTER_MS) {
      await sleep(waitMs - RECHECK_STOPS_AHEAD_MS);
      const after = stopsAfter;
      // Best effort: a look that fails leaves the start to the reservation's own look.
      const recorded = await retryOnConnectionLoss(() =>
        recordedStop(pool, options.api, after),
      ).catch(() => ({}));
      stopIfRecorded(recorded);
      waitMs = localMoment(slotMs) - now();
    }
    if (waitMs > 0) await sleep(waitMs);
  };
  const reserveBlock = async () => {
    // A lost connection (a Postgres restart) delays the request instead of failing its ranking.
    const reserved = await retryOnConnectionLoss(() =>
      observed(() => reserveRequestStarts(pool, options.api, spacingMs, block, lead(), stopsAfter)),
    );
    stopIfRecorded(reserved);
    for (let index = 0; index < block; index++) {
      moments.push(reserved.slotMs + index * spacingMs);
    }
  };
  const waitForBlockMoment = async (): Promise<StartPermit> => {
    for (;;) {
      const slotMs = moments.shift();
      if (slotMs === undefined) {
        reserving ??= reserveBlock().finally(() => {
          reserving = undefined;
        });
        await reserving;
        continue;
      }
      // Too late already: the moment is given up, as it would be after the wait below.
      const permit = permitFor(slotMs);
      if (!permit.onTime()) continue;
      await waitFor(slotMs);
      if (permit.onTime()) return permit;
    }
  };
  return {
    async waitForStart(missed, calls) {
      if (maxCallsPerDay === null) return waitForBlockMoment();
      // A start missed at the write was counted when it was granted: its retry is the same call;
      // one its ranking's reservation covers was counted with the reservation.
      const counted = missed !== undefined || (calls?.take() ?? false);
      for (let count = !counted; ; count = false) {
        // A lost connection (a Postgres restart) delays the request instead of failing its
        // ranking; a count taken just before the loss may then be taken twice, erring low.
        const reserved = await retryOnConnectionLoss(() =>
          observed(() =>
            reserveCountedStart(
              pool,
              options.api,
              spacingMs,
              { count, maxCallsPerDay },
              lead(),
              stopsAfter,
            ),
          ),
        );
        stopIfRecorded(reserved);
        if ('capReached' in reserved) {
          throw new DailyCallCapError(reserved.capReached.cap, reserved.capReached.day);
        }
        const permit = permitFor(reserved.slotMs);
        await waitFor(reserved.slotMs);
        if (permit.onTime()) return permit;
      }
    },
    reserveCalls: async (calls) => {
      if (maxCallsPerDay === null || calls <= 0) return NO_RESERVATION;
      const reserved = await retryOnConnectionLoss(() =>
        reserveDailyCalls(pool, options.api, calls, maxCallsPerDay),
      );
      if ('capReached' in reserved) {
        throw new DailyCallCapError(reserved.capReached.cap, reserved.capReached.day, {
          counted: reserved.counted,
          pages: calls,
        });
      }
      return dailyCallReservation(pool, options.api, maxCallsPerDay, { day: reserved.day, calls });
    },
    async watchStops() {
      const { rows } = await pool.query<{ last: string }>(
        'SELECT coalesce(max(id), 0) AS last FROM fastmoss.api_run_stops WHERE api = $1',
        [options.api],
      );
      stopsAfter = Number(rows[0]?.last ?? 0);
    },
    async recordStop(error) {
      // Only a used-up quota is the account's; a refused token or an unreachable network may
      // be this process's alone.
      if (!(error instanceof QuotaError) || told.has(error)) return;
      await pool.query(
        'INSERT INTO fastmoss.api_run_stops (api, reason, message) VALUES ($1, $2, $3)',
        [options.api, error.runEndReason, error.message],
      );
    },
    slowDown: async (delayMs) => {
      // Moments reserved before the hold would start requests inside it: given up.
      moments.length = 0;
      await holdRequestStarts(pool, options.api, delayMs);
    },
  };
}
