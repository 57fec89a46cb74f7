import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postgresAccessTokenStore } from '../../src/db/access-token-store.ts';
import { createPool } from '../../src/db/connect.ts';
import { AuthError } from '../../src/fastmoss/errors.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { useTestDatabase } from '../support/database.ts';
import { keyWithTotal, type TestClient, testClient } from '../support/simulator.ts';

const CLIENT_ID = 'client-signed-7';
const SECRET = 'signed-secret-Zq81vV';

const db = await useTestDatabase();
const key = keyWithTotal((total) => total > 300);
const simulators: Simulator[] = [];
const clients: TestClient[] = [];
/** A second connection pool: another process as far as Postgres's locks are concerned. */
const otherProcess = createPool(db.url, { max: 2 });

afterEach(async () => {
  await Promise.all(clients.splice(0).map(({ client }) => client.close()));
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  await db.pool.query('DELETE FROM fastmoss_private.access_tokens');
});
afterAll(async () => {
  await otherProcess.end();
});

async function signedSimulator(options: { ttl?: number; refresh?: boolean } = {}) {
  const simulator = await startSimulator({
    signed: {
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      tokenTtlSeconds: options.ttl,
      refresh: options.refresh,
    },
  });
  simulators.push(simulator);
  return simulator;
}

function signedClient(
  simulator: Simulator,
  options: { pool?: typeof db.pool; secret?: string; maxAttempts?: number } = {},
): TestClient {
  const made = testClient(simulator, {
    token: undefined,
    signed: {
      clientId: CLIENT_ID,
      clientSecret: options.secret ?? SECRET,
      tokenStore: postgresAccessTokenStore(options.pool ?? db.pool),
    },
    maxAttempts: options.maxAttempts ?? 4,
  });
  clients.push(made);
  return made;
}

/** The error a promise rejects with. */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );

describe('signed mode', () => {
  it('obtains one token for concurrent requests and for a second process, and signs every call', async () => {
    const simulator = await signedSimulator();
    const first = signedClient(simulator);
    await Promise.all([1, 2, 3, 4, 5].map((page) => first.client.fetchPage(key, page)));
    const second = signedClient(simulator, { pool: otherProcess });
    const pages = await Promise.all([1, 2, 3].map((page) => second.client.fetchPage(key, page)));

    expect(pages.map((page) => page.entries.length)).toEqual([100, 100, 100]);
    expect(simulator.counters.byOutcome).toMatchObject({
      tokenIssued: 1,
      tokenRefreshed: 0,
      ok: 8,
      badSignature: 0,
      tokenExpired: 0,
      unauthorized: 0,
    });
    expect(simulator.counters.total).toBe(9);
    const stored = await db.pool.query<{ sealed_token: string }>(
      'SELECT sealed_token FROM fastmoss_private.access_tokens',
    );
    expect(stored.rows).toHaveLength(1);
    // Sealed: neither the access nor the refresh token is readable in the table.
    for (const token of simulator.signed?.issuedTokens() ?? []) {
      expect(stored.rows[0]?.sealed_token).not.toContain(token);
    }
  });

  it('renews through refreshToken before expires_in ends, using the refresh token each answer returns', async () => {
    const simulator = await signedSimulator({ ttl: 1 });
    const { client, events } = signedClient(simulator);
    for (let page = 1; page <= 5; page += 1) {
      await client.fetchPage(key, page);
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
    const { byOutcome } = simulator.counters;
    expect(byOutcome.tokenIssued).toBe(1);
    // A spent refresh token is refused by the simulator: none was, so each new one was kept.
    expect(byOutcome.refreshRefused).toBe(0);
    expect(byOutcome.tokenRefreshed).toBeGreaterThanOrEqual(2);
    expect(byOutcome.ok).toBe(5);
    expect(byOutcome.badSignature).toBe(0);
    expect(simulator.counters.total).toBe(
      5 + byOutcome.tokenIssued + byOutcome.tokenRefreshed + byOutcome.tokenExpired,
    );
    expect(events.filter((event) => event.type === 'token-renewed')).toHaveLength(
      1 + byOutcome.tokenRefreshed,
    );
  });

  it('a call answered "token expired" renews the token once and is tried again without spending an attempt', async () => {
    const simulator = await signedSimulator();
    const { client } = signedClient(simulator, { maxAttempts: 1 });
    await client.fetchPage(key, 1);
    simulator.signed?.expireAccessTokens();

    const page = await client.fetchPage(key, 2);

    expect(page.entries).toHaveLength(100);
    expect(page.attempts).toBe(2);
    expect(simulator.counters.byOutcome).toMatchObject({
      tokenIssued: 1,
      tokenExpired: 1,
      tokenRefreshed: 1,
      ok: 2,
    });
    expect(simulator.counters.total).toBe(5);
  });

  it('a call still refused after one renewal fails as AuthError naming the signed-mode settings', async () => {
    const simulator = await signedSimulator();
    simulator.setFaults({ script: ['unauthorized', 'unauthorized'] });
    const { client } = signedClient(simulator);

    const error = await rejection(client.fetchPage(key, 1));

    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('Check FASTMOSS_CLIENT_ID and FASTMOSS_CLIENT_SECRET');
    expect(simulator.counters.byOutcome).toMatchObject({
      tokenIssued: 1,
      tokenRefreshed: 1,
      unauthorized: 2,
    });
    expect(simulator.counters.total).toBe(4);
  });

  it('obtains a new token when the refresh is refused', async () => {
    const simulator = await signedSimulator();
    const { client } = signedClient(simulator);
    await client.fetchPage(key, 1);
    simulator.signed?.revokeAll();

    await client.fetchPage(key, 2);

    expect(simulator.counters.byOutcome).toMatchObject({
      tokenIssued: 2,
      tokenExpired: 1,
      refreshRefused: 1,
      ok: 2,
    });
  });

  it('credentials the token endpoint refuses stop every request after one call, the secret unsaid', async () => {
    const simulator = await signedSimulator();
    const wrong = 'wrong-secret-Kp3';
    const { client, events } = signedClient(simulator, { secret: wrong });

    const first = await rejection(client.fetchPage(key, 1));
    const later = await rejection(client.fetchPage(key, 2));

    expect(first).toBeInstanceOf(AuthError);
    expect(first.message).toContain('FASTMOSS_CLIENT_SECRET');
    expect(first.message).toContain('HTTP 401');
    expect(later).toBeInstanceOf(AuthError);
    expect(later.message).toMatch(/^Not sent/);
    expect(simulator.counters.total).toBe(1);
    expect(simulator.counters.byOutcome.tokenRefused).toBe(1);
    // The simulator's refusal echoes the secret presented; it is cut out.
    expect(first.message).toContain('[redacted]');
    const visible = [first.message, later.message, JSON.stringify(events)].join('\n');
    expect(visible).not.toContain(wrong);
  });
});
