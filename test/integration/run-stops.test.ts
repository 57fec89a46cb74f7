import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { type FakeFastmoss, servesRankings, startFakeFastmoss } from '../support/fake-fastmoss.ts';

/*
 * The run-wide stops of FastMoss's documented codes and of an unreachable API, end to end: a
 * backfill through the CLI against the independent fake (or a closed port), the calls made, the
 * ledger and the warehouse.
 */

const TOKEN = 'run-stops-token';
/** 2 regions x 3 days, one order field: 6 rankings. */
const SIX = [
  'backfill',
  '--from',
  '2026-04-01',
  '--to',
  '2026-04-03',
  '--periods',
  'day',
  '--regions',
  'US,GB',
  '--orderby',
  'units_sold',
  '--json',
];

let fake: FakeFastmoss;
beforeAll(async () => {
  fake = await startFakeFastmoss();
});
afterAll(async () => {
  await fake.close();
});

function env(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return runEnv(db.url, fake.url, TOKEN, { ETL_CONCURRENCY: '4', ...extra });
}

async function jobCounts(db: TestDatabase): Promise<Record<string, number>> {
  const result = await db.pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM fastmoss.etl_jobs GROUP BY status',
  );
  return Object.fromEntries(result.rows.map((row) => [row.status, row.n]));
}

async function snapshots(db: TestDatabase): Promise<number> {
  const result = await db.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM fastmoss.ranking_snapshots',
  );
  return result.rows[0]?.n ?? -1;
}

async function lastRunEnd(db: TestDatabase): Promise<string | null> {
  const result = await db.pool.query<{ end_reason: string | null }>(
    'SELECT end_reason FROM fastmoss.etl_runs ORDER BY id DESC LIMIT 1',
  );
  return result.rows[0]?.end_reason ?? null;
}

describe('run-wide stops', () => {
  it('an account without access: three calls, three failed rankings, the rest pending, exit 1', async () => {
    const db = await useTestDatabase();
    fake.requests.length = 0;
    fake.answerWith(() => ({ code: 30001, message: 'no access permission' }));
    const result = await runCli(SIX, env(db));
    expect(result.code, result.stderr).toBe(1);
    expect(fake.requests).toHaveLength(3);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'failed', failed: 3, succeeded: 0, unfinished: 3 });
    expect(summary.fatal).toContain('FASTMOSS_NO_ACCESS');
    expect(summary.fatal).toContain('to 3 requests in a row');
    for (const failure of summary.failures) {
      expect(failure.reason).toContain('this FastMoss account has no access to ');
    }
    expect(await jobCounts(db)).toEqual({ failed: 3, pending: 3 });
    expect(await lastRunEnd(db)).toBe('no_access');
    expect(await snapshots(db)).toBe(0);
  }, 120_000);

  it('30002 data limit: the run stops at once, exit 1, naming the limit; nothing more is fetched', async () => {
    const db = await useTestDatabase();
    fake.requests.length = 0;
    // The first ranking is served; then the plan's data limit is reached.
    fake.answerWith((request) =>
      request.index === 1
        ? servesRankings(30)(request)
        : { code: 30002, message: 'data limit exceeded' },
    );
    const result = await runCli(SIX, env(db, { ETL_CONCURRENCY: '1' }));
    fake.answerWith(servesRankings(30));
    expect(result.code, result.stderr).toBe(1);
    expect(fake.requests).toHaveLength(2);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'failed', succeeded: 1, failed: 0, unfinished: 5 });
    expect(summary.fatal).toContain("plan's data limit (its quota of rows) is used up");
    expect(summary.fatal).toContain('data limit exceeded');
    expect(await jobCounts(db)).toEqual({ succeeded: 1, pending: 5 });
    expect(await lastRunEnd(db)).toBe('quota');
    expect(await snapshots(db)).toBe(1);
  }, 120_000);

  it('a 148-ranking backfill against a closed port stops after at most 20 connection attempts', async () => {
    const db = await useTestDatabase();
    const port = await closedPort();
    const result = await runCli(
      [
        'backfill',
        '--from',
        '2026-02-01',
        '--to',
        '2026-03-09',
        '--periods',
        'day',
        '--regions',
        'US,GB',
        '--json',
      ],
      env(db, { FASTMOSS_BASE_URL: `http://127.0.0.1:${port}` }),
    );
    expect(result.code, result.stderr).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.selected).toBe(148);
    expect(summary.fatal).toContain('FASTMOSS_UNREACHABLE');
    expect(summary.fatal).toContain(`FastMoss cannot be reached at http://127.0.0.1:${port}`);
    // Only the few requests in flight when FastMoss was found unreachable (at most
    // ETL_CONCURRENCY, 4) ever tried to connect, ETL_MAX_ATTEMPTS (5) times each; today's
    // client made 585 attempts and did not stop.
    expect(summary.apiCalls).toBeLessThanOrEqual(20);
    const ledger = await db.pool.query<{ calls: number }>(
      'SELECT sum(api_calls)::int AS calls FROM fastmoss.etl_jobs',
    );
    expect(ledger.rows[0]?.calls).toBe(summary.apiCalls);
    expect(summary.failed + summary.unfinished).toBe(148);
    expect(summary.failed).toBeLessThanOrEqual(2);
    expect(await lastRunEnd(db)).toBe('unreachable');
  }, 120_000);
});

/** A port nothing listens on: bound once for a free number, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
