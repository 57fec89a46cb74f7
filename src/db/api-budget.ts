import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { RequestStartGate } from '../fastmoss/limiter.ts';
import { retryOnConnectionLoss } from './connection-retry.ts';

/*
 * One API request rate for every process on this database (fastmoss.api_budget). Each request
 * start reserves the next free moment on the database's clock and pushes it on by one spacing
 * (windowMs / rps), in a single upsert: the row lock orders concurrent reservations, so the
 * reserved moments are at least one spacing apart whichever process holds them, at one round
 * trip per request.
 *
 * A moment is only as good as the process's punctuality: one that starts late (a busy event
 * loop, a slow reply) followed by another process's punctual start would put two starts closer
 * than a spacing. So the gate converts the moment to its own clock, never early, and a start
 * that would be more than MAX_LATENESS_MS late gives its moment up and reserves a new one.
 */

/** A little over a second, so starts fit the upstream's one-second window despite jitter; the
 * same 5% margin as the in-process limiter (DEFAULT_RATE_WINDOW_MS), so neither caps the other. */
export const SHARED_WINDOW_MS = 1_050;

/** How late a start may be on its reserved moment before the moment is given up. */
export const MAX_LATENESS_MS = 25;

export interface ReservedStart {
  /** The reserved moment, in ms since the epoch on the database's clock. */
  slotMs: number;
  /** The database's clock when it answered, same unit. */
  databaseNowMs: number;
}

/** Reserves the next start of `api`, `spacingMs` after the one before. */
export async function reserveRequestStart(
  db: pg.Pool | pg.ClientBase,
  api: string,
  spacingMs: number,
): Promise<ReservedStart> {
  const result = await db.query<{ slot_ms: number; database_now_ms: number }>(
    `INSERT INTO fastmoss.api_budget AS b (api, next_start_at)
     VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 / 1000))
     ON CONFLICT (api) DO UPDATE
       SET next_start_at = greatest(b.next_start_at, clock_timestamp())
                           + make_interval(secs => $2::float8 / 1000)
     RETURNING (extract(epoch FROM b.next_start_at) * 1000 - $2)::float8 AS slot_ms,
               (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS database_now_ms`,
    [api, spacingMs],
  );
  const row = result.rows[0];
  if (!row) throw new Error('the api_budget upsert returned no row');
  return { slotMs: row.slot_ms, databaseNowMs: row.database_now_ms };
}

/**
 * No start of `api`, by any process, before `delayMs` from now (FastMoss said "access frequency
 * limit exceeded"): the next free moment is pushed to at least then. Later reservations queue
 * behind it as usual, so the processes come back one spacing apart, not all at once.
 */
export async function holdRequestStarts(
  db: pg.Pool | pg.ClientBase,
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

/**
 * How far the database's clock is ahead of ours, estimated from replies: each reply was sent
 * before we read it, so `databaseNow - ourNow` never overestimates the offset, and the largest
 * recent sample (the least delayed reply) is the best estimate. A moment converted with it is
 * never early. Recent samples only, so clock drift and adjustments are followed.
 */
class ClockOffset {
  private readonly samples: number[] = [];

  observe(sample: number): void {
    this.samples.push(sample);
    if (this.samples.length > OFFSET_SAMPLES) this.samples.shift();
  }

  get value(): number {
    return Math.max(...this.samples);
  }
}

/** The client's start gate over the shared budget: at most `rps` starts per window, together. */
export function sharedStartGate(
  pool: pg.Pool,
  options: { api: string; rps: number; windowMs?: number; now?: () => number },
): RequestStartGate {
  const spacingMs = (options.windowMs ?? SHARED_WINDOW_MS) / options.rps;
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const offset = new ClockOffset();
  return {
    async waitForStart() {
      for (;;) {
        // A lost connection (a Postgres restart) delays the request instead of failing its ranking.
        const reserved = await retryOnConnectionLoss(() =>
          reserveRequestStart(pool, options.api, spacingMs),
        );
        offset.observe(reserved.databaseNowMs - now());
        const startAt = reserved.slotMs - offset.value;
        const waitMs = startAt - now();
        if (waitMs > 0) await sleep(waitMs);
        if (now() - startAt <= MAX_LATENESS_MS) return;
      }
    },
    slowDown: (delayMs) => holdRequestStarts(pool, options.api, delayMs),
  };
}
