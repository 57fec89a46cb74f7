import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rankingKeyLabel } from '../../src/domain/ranking.ts';
import { createFastmossClient, type FastmossClient } from '../../src/fastmoss/client.ts';
import {
  FastmossError,
  InvalidRequestError,
  NoAccessError,
  NotAvailableError,
  QuotaError,
  UnreachableError,
} from '../../src/fastmoss/errors.ts';
import { fetchRanking } from '../../src/fastmoss/ranking.ts';
import {
  type FakeAnswer,
  type FakeFastmoss,
  scripted,
  servesRankings,
  startFakeFastmoss,
} from '../support/fake-fastmoss.ts';
import { rankingKey, rejection } from '../support/simulator.ts';

/*
 * The client against an independent fake of FastMoss's protocol (test/support/fake-fastmoss.ts),
 * one documented code at a time, counting the calls the fake saw.
 */

const TOKEN = 'codes-test-SECRET-token';
const SLOW_DOWN_MS = 150;
const MAX_ATTEMPTS = 4;
const key = rankingKey({ periodValue: '2026-04-01' });
const other = rankingKey({ periodValue: '2026-04-02' });

let fake: FakeFastmoss;
const clients: FastmossClient[] = [];

beforeAll(async () => {
  fake = await startFakeFastmoss();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** A fresh client, the fake's call log cleared, and the fake answering `script` then pages. */
function setUp(script: FakeAnswer[]): FastmossClient {
  fake.requests.length = 0;
  fake.arrivals.length = 0;
  fake.answerWith(scripted(script, servesRankings(30)));
  const client = createFastmossClient({
    baseUrl: fake.url,
    token: TOKEN,
    concurrency: 2,
    rps: 1000,
    maxAttempts: MAX_ATTEMPTS,
    timeoutMs: 2_000,
    retryTiming: {
      baseMs: 2,
      maxMs: 2_000,
      floorMs: 0,
      maxRetryAfterMs: 50,
      slowDownMs: SLOW_DOWN_MS,
    },
  });
  clients.push(client);
  return client;
}

describe('documented business codes against an independent fake', () => {
  it('10001 fails the ranking after one call, quoting the message', async () => {
    const api = setUp([{ code: 10001, message: 'pagesize must be between 1 and 100' }]);
    const error = await rejection(fetchRanking(api, key));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('pagesize must be between 1 and 100');
    expect(fake.requests).toHaveLength(1);
  });

  it('20001 says not available yet after one call, not retried', async () => {
    const api = setUp([{ code: 20001, message: 'resource not found' }]);
    const error = await rejection(fetchRanking(api, key));
    expect(error).toBeInstanceOf(NotAvailableError);
    expect(error.message).toContain('resource not found');
    expect(fake.requests).toHaveLength(1);
    // The client goes on: the next ranking loads.
    expect((await fetchRanking(api, other)).entries).toHaveLength(30);
  });

  it('30001 fails the ranking after one call with "no access to <ranking>"', async () => {
    const api = setUp([{ code: 30001, message: 'no access permission' }]);
    const error = await rejection(fetchRanking(api, key));
    expect(error).toBeInstanceOf(NoAccessError);
    expect(error.message).toMatch(
      new RegExp(`^this FastMoss account has no access to ${rankingKeyLabel(key)} `),
    );
    expect(error.message).toContain('no access permission');
    expect(fake.requests).toHaveLength(1);
  });

  it('30002 stops at once: one call, and no later request is sent', async () => {
    const api = setUp([{ code: 30002, message: 'data limit exceeded' }]);
    const error = await rejection(fetchRanking(api, key));
    expect(error).toBeInstanceOf(QuotaError);
    expect(error.message).toContain("plan's data limit");
    expect(error.message).toContain('data limit exceeded');
    const later = await rejection(fetchRanking(api, other));
    expect(later).toBeInstanceOf(QuotaError);
    expect(fake.requests).toHaveLength(1);
  });

  it('30003 backs off at least slowDownMs, growing, then loads the ranking', async () => {
    const api = setUp([
      { code: 30003, message: 'access frequency limit exceeded' },
      { code: 30003, message: 'access frequency limit exceeded' },
    ]);
    const ranking = await fetchRanking(api, key);
    expect(ranking.entries).toHaveLength(30);
    expect(fake.requests).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = fake.arrivals;
    expect(second - first).toBeGreaterThanOrEqual(SLOW_DOWN_MS - 5);
    expect(third - second).toBeGreaterThanOrEqual(2 * SLOW_DOWN_MS - 5);
  });

  it('30003 holds back the other requests of the client too', async () => {
    const api = setUp([{ code: 30003, message: 'access frequency limit exceeded' }]);
    const firstDone = fetchRanking(api, key);
    // Started once the first has been told to slow down.
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const secondDone = fetchRanking(api, other);
    await Promise.all([firstDone, secondDone]);
    const [told = 0, ...rest] = fake.arrivals;
    expect(rest).toHaveLength(2);
    for (const arrival of rest) expect(arrival - told).toBeGreaterThanOrEqual(SLOW_DOWN_MS - 5);
  });

  it('30003 that persists past the attempts stops the run as a quota would', async () => {
    const refusal = { code: 30003, message: 'access frequency limit exceeded' };
    const api = setUp(Array.from({ length: 10 }, () => refusal));
    const error = await rejection(fetchRanking(api, key));
    expect(error).toBeInstanceOf(QuotaError);
    expect(error.message).toContain(`after ${MAX_ATTEMPTS} attempts`);
    expect(fake.requests).toHaveLength(MAX_ATTEMPTS);
    expect(await rejection(fetchRanking(api, other))).toBeInstanceOf(QuotaError);
    expect(fake.requests).toHaveLength(MAX_ATTEMPTS);
  });

  it('40001 is retried like a 5xx, and the ranking loads', async () => {
    const api = setUp([{ code: 40001, message: 'service exception' }]);
    expect((await fetchRanking(api, key)).entries).toHaveLength(30);
    expect(fake.requests).toHaveLength(2);
  });

  it("quotes the message whether the envelope names it 'msg' or 'message', token redacted", async () => {
    for (const messageField of ['msg', 'message'] as const) {
      const api = setUp([{ code: 10001, messageField, message: `token ${TOKEN} refused` }]);
      const error = await rejection(fetchRanking(api, key));
      expect(error.message).toContain('token [redacted] refused');
      expect(error.message).not.toContain(TOKEN);
    }
  });

  it('reads the HTTP status before the code', async () => {
    const refused = setUp([{ status: 403, code: 30001, message: 'no access permission' }]);
    expect(await rejection(fetchRanking(refused, key))).toBeInstanceOf(NoAccessError);
    const failing = setUp([{ status: 502, code: 10001, message: 'bad gateway' }]);
    expect((await fetchRanking(failing, key)).entries).toHaveLength(30);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('refusals and unreachability in a row stop the run after a bounded number of calls', () => {
  const days = Array.from({ length: 10 }, (_, day) =>
    rankingKey({ periodValue: `2026-03-${String(day + 1).padStart(2, '0')}` }),
  );

  it('an account with no access at all costs exactly three calls, however many rankings', async () => {
    const api = setUp([]);
    fake.answerWith(() => ({ code: 30001, message: 'no access permission' }));
    const outcomes = await Promise.allSettled(days.map((day) => fetchRanking(api, day)));
    expect(fake.requests).toHaveLength(3);
    const errors = outcomes.map((outcome) =>
      outcome.status === 'rejected' ? outcome.reason : undefined,
    );
    expect(errors.every((error) => error instanceof NoAccessError)).toBe(true);
    const refused = errors.filter((error) => error instanceof NoAccessError && !error.stopsRun);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error.message).toMatch(/^this FastMoss account has no access to US\//);
    }
    const stopped = errors.find((error) => error instanceof NoAccessError && error.stopsRun);
    expect(stopped?.message).toContain('refused access (code 30001, no access permission) to 3');
  });

  it('a refusal between loaded rankings does not stop the run', async () => {
    const api = setUp([]);
    fake.answerWith((request) =>
      request.index % 2 === 0
        ? { code: 30001, message: 'no access permission' }
        : servesRankings(30)(request),
    );
    const outcomes = [];
    for (const day of days.slice(0, 6)) {
      outcomes.push(
        await fetchRanking(api, day).then(
          () => 'loaded',
          (error: Error) => error.constructor.name,
        ),
      );
    }
    expect(outcomes).toEqual([
      'loaded',
      'NoAccessError',
      'loaded',
      'NoAccessError',
      'loaded',
      'NoAccessError',
    ]);
    expect(fake.requests).toHaveLength(6);
  });

  it('a closed port stops after three rankings give up, the rest never connecting', async () => {
    const closed = await startFakeFastmoss();
    const closedUrl = closed.url;
    await closed.close();
    const api = createFastmossClient({
      baseUrl: closedUrl,
      token: TOKEN,
      concurrency: 4,
      rps: 1000,
      maxAttempts: MAX_ATTEMPTS,
      timeoutMs: 2_000,
      retryTiming: { baseMs: 2, maxMs: 20, floorMs: 0, maxRetryAfterMs: 50, slowDownMs: 5 },
    });
    clients.push(api);
    const outcomes = await Promise.allSettled(days.map((day) => fetchRanking(api, day)));
    const errors = outcomes.map((outcome) =>
      outcome.status === 'rejected' ? (outcome.reason as FastmossError) : undefined,
    );
    const calls = errors.reduce((sum, error) => sum + (error?.apiCalls ?? 0), 0);
    // Only the three rankings first in flight ever connect: each tries MAX_ATTEMPTS times.
    expect(calls).toBeLessThanOrEqual(3 * MAX_ATTEMPTS);
    expect(calls).toBeGreaterThanOrEqual(3);
    const stop = errors.find((error) => error instanceof UnreachableError);
    expect(stop?.message).toContain(`FastMoss cannot be reached at ${closedUrl}`);
    expect(stop?.message).toContain('ECONNREFUSED');
    expect(errors.every((error) => error instanceof FastmossError)).toBe(true);
  });
});
