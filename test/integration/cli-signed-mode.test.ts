import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';
import { backfillArgs, loadedLabels, plannedRankings } from '../support/reliability-harness.ts';

const CLIENT_ID = 'cli-signed-client';
const SECRET = 'cli-signed-secret-W4t';
/** 2 regions x 3 days x 2 order fields = 12 rankings. */
const RANGE = { from: '2026-04-01', to: '2026-04-03', periods: 'day', regions: 'US,GB' };

const db = await useTestDatabase();
const simulators: Simulator[] = [];

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});
afterAll(async () => {
  await db.pool.query('DELETE FROM fastmoss_private.access_tokens');
});

async function signedSimulator(ttl?: number): Promise<Simulator> {
  const simulator = await startSimulator({
    signed: { clientId: CLIENT_ID, clientSecret: SECRET, tokenTtlSeconds: ttl },
  });
  simulators.push(simulator);
  return simulator;
}

function signedEnv(simulator: Simulator, extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: db.url,
    FASTMOSS_BASE_URL: simulator.url,
    FASTMOSS_CLIENT_ID: CLIENT_ID,
    FASTMOSS_CLIENT_SECRET: SECRET,
    ETL_CONCURRENCY: '4',
    ...extra,
  };
}

describe('backfill in signed mode', () => {
  it('loads every ranking while its tokens expire several times, every call validly signed', async () => {
    const simulator = await signedSimulator(1);
    // About 45 calls at 12 a second: the run outlasts several one-second tokens.
    const result = await runCli(
      [...backfillArgs(RANGE), '--json'],
      signedEnv(simulator, { ETL_RPS: '12' }),
    );

    expect(result.code).toBe(0);
    const planned = plannedRankings(RANGE);
    const loaded = await loadedLabels(db.pool);
    expect(loaded.size).toBe(planned.length);
    const { byOutcome } = simulator.counters;
    expect(byOutcome.badSignature).toBe(0);
    expect(byOutcome.unauthorized).toBe(0);
    expect(byOutcome.tokenIssued).toBe(1);
    expect(byOutcome.refreshRefused).toBe(0);
    expect(byOutcome.tokenRefreshed).toBeGreaterThanOrEqual(2);
    const { rows } = await db.pool.query<{ calls: number }>(
      'SELECT sum(api_calls)::int AS calls FROM fastmoss.etl_jobs',
    );
    // Every call but the token calls is a data call the ledger counted (a renewed retry included).
    expect(simulator.counters.total - byOutcome.tokenIssued - byOutcome.tokenRefreshed).toBe(
      rows[0]?.calls,
    );
  }, 120_000);

  it('stops with exit 1 and a clear reason after one call when the token endpoint refuses the credentials', async () => {
    const simulator = await signedSimulator();
    const result = await runCli(
      [...backfillArgs({ ...RANGE, from: '2026-04-05', to: '2026-04-05' })],
      signedEnv(simulator, { FASTMOSS_CLIENT_SECRET: 'not-the-secret-9' }),
    );

    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain(
      'FastMoss refused FASTMOSS_CLIENT_ID / FASTMOSS_CLIENT_SECRET at POST /v1/token',
    );
    expect(result.stdout + result.stderr).not.toContain('not-the-secret-9');
    expect(simulator.counters.total).toBe(1);
    expect(simulator.counters.byOutcome.tokenRefused).toBe(1);
  }, 60_000);

  it('exits 2 before any call when both modes, or half the signed pair, are set', async () => {
    const simulator = await signedSimulator();
    const args = backfillArgs({ ...RANGE, from: '2026-04-06', to: '2026-04-06' });
    const results = await Promise.all([
      runCli(args, signedEnv(simulator, { FASTMOSS_TOKEN: 'bearer-too' })),
      runCli(args, { ...signedEnv(simulator), FASTMOSS_CLIENT_SECRET: '' }),
    ]);

    expect(results.map((result) => result.code)).toEqual([2, 2]);
    expect(results[0]?.stderr).toMatch(/^fastmoss-etl: FASTMOSS_TOKEN .* are both set/);
    expect(results[1]?.stderr).toContain('FASTMOSS_CLIENT_SECRET is not set');
    expect(results.map((result) => result.stderr).join('')).not.toMatch(
      /bearer-too|cli-signed-secret/,
    );
    expect(simulator.counters.total).toBe(0);
  }, 60_000);
});
