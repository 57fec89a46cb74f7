import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postgresAccessTokenStore } from '../../src/db/access-token-store.ts';
import { SHARED_WINDOW_MS, sharedStartGate } from '../../src/db/api-budget.ts';
import type { RequestStartGate, StartPermit } from '../../src/fastmoss/limiter.ts';
import { fetchRanking } from '../../src/fastmoss/ranking.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { useTestDatabase } from '../support/database.ts';
import { keyWithTotal, type TestClient, testClient } from '../support/simulator.ts';

/*
 * A start is paced by its moment, but its bytes leave later (signature, token, dispatch, connect;
 * each waits for the CPU on a busy machine). The permit is checked again right before the write:
 * a start that went by is never sent late behind a punctual one, and no call is lost or added.
 */

const db = await useTestDatabase();
const simulators: Simulator[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map(({ client }) => client.close()));
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  await db.pool.query('DELETE FROM fastmoss_private.access_tokens');
});
afterAll(async () => {
  await db.pool.query('DELETE FROM fastmoss.api_budget');
  await db.pool.query('DELETE FROM fastmoss.api_daily_calls');
});

const missedStarts = (made: TestClient) =>
  made.events.filter((event) => event.type === 'start-missed').length;

describe('a request is written only while its start permit holds', () => {
  it.each([
    { cap: undefined, what: 'moments reserved a block at a time' },
    { cap: 100, what: 'each start counted against a daily cap' },
  ])(
    'signed mode, $what: the page whose moment went by while its token was fetched waits for a new moment instead of following the token call at once',
    async ({ cap }) => {
      const rps = 5;
      const spacingMs = SHARED_WINDOW_MS / rps;
      const simulator = await startSimulator({
        signed: { clientId: 'client-on-time', clientSecret: 'secret-on-time-81' },
      });
      simulators.push(simulator);
      const api = `${simulator.url}/on-time/${cap ?? 'uncapped'}`;
      const made = testClient(simulator, {
        token: undefined,
        signed: {
          clientId: 'client-on-time',
          clientSecret: 'secret-on-time-81',
          tokenStore: postgresAccessTokenStore(db.pool),
        },
        concurrency: 1,
        startGate: sharedStartGate(db.pool, { api, rps, maxCallsPerDay: cap }),
      });
      clients.push(made);
      const key = keyWithTotal((total) => total > 200 && total <= 300);

      const ranking = await fetchRanking(made.client, key);

      expect(ranking.entries).toHaveLength(ranking.total);
      // The first page took its moment, then signing it needed a token, whose call took the next
      // moment: by the time the token came back the page's moment was a spacing behind it.
      expect(missedStarts(made)).toBeGreaterThanOrEqual(1);
      // The missed start sent nothing: one token call and one call per page, no more.
      expect(simulator.counters.byOutcome.tokenIssued).toBe(1);
      expect(simulator.counters.total).toBe(1 + 3);
      // A start missed was counted once, when granted: the day's count is the calls made.
      const counted = await db.pool.query<{ calls: number }>(
        'SELECT calls FROM fastmoss.api_daily_calls WHERE api = $1',
        [api],
      );
      expect(counted.rows).toEqual(cap === undefined ? [] : [{ calls: 4 }]);
      // Before the check, the page followed the token call ~90 ms after it, not a spacing.
      expect(simulator.counters.maxStartsInWindow(spacingMs * 0.7)).toBe(1);
    },
  );

  it('a permit already expired at the write sends nothing, and the request goes on a fresh start', async () => {
    const simulator = await startSimulator();
    simulators.push(simulator);
    const permits: StartPermit[] = [];
    // Every other start's permit is spent by the time the connection is ready: a busy machine.
    const gate: RequestStartGate = {
      waitForStart: async () => {
        const late = permits.length % 2 === 0;
        const permit = { onTime: () => !late };
        permits.push(permit);
        return permit;
      },
    };
    const made = testClient(simulator, { concurrency: 1, startGate: gate });
    clients.push(made);
    const key = keyWithTotal((total) => total > 200 && total <= 300);

    const ranking = await fetchRanking(made.client, key);

    expect(ranking.entries).toHaveLength(ranking.total);
    expect(simulator.counters.total).toBe(3);
    expect(missedStarts(made)).toBe(3);
    expect(permits).toHaveLength(6);
    // A missed start is neither a call nor an attempt.
    expect(made.events.filter((event) => event.type === 'request-started')).toHaveLength(3);
    expect(
      made.events.filter((event) => event.type === 'request-started' && event.attempt !== 1),
    ).toHaveLength(0);
  });
});
