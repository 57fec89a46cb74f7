import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastmossEvent } from '../../src/fastmoss/client.ts';
import {
  AuthError,
  InvalidRequestError,
  InvalidResponseError,
  QuotaError,
  TransientError,
} from '../../src/fastmoss/errors.ts';
import { topCreatorRequestBody } from '../../src/fastmoss/request-body.ts';
import type { ScriptStep, Simulator } from '../../src/simulator/server.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import {
  DOCUMENT_EXAMPLE_BODY,
  keyWithTotal,
  rankingKey,
  rejection,
  startFixedServer,
  type TestClient,
  testClient,
} from '../support/simulator.ts';

let simulator: Simulator;
let current: TestClient | undefined;

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.setFaults({});
  simulator.reset();
});
afterEach(async () => {
  await current?.client.close();
  current = undefined;
});

function client(overrides: Parameters<typeof testClient>[1] = {}): TestClient {
  current = testClient(simulator, overrides);
  return current;
}

const key = keyWithTotal((total) => total > 0);

/** Every text an operator could see: event fields, error messages, their causes. */
function visibleText(events: FastmossEvent[], error?: Error): string {
  const parts = [JSON.stringify(events)];
  let cause: unknown = error;
  while (cause instanceof Error) {
    parts.push(cause.message, String(cause.stack));
    cause = cause.cause;
  }
  return parts.join('\n');
}

describe("the document's example, served verbatim", () => {
  it('parses exactly: the 19-digit uid, 958762.84 and uints_sold 72', async () => {
    const server = await startFixedServer(() => ({ body: DOCUMENT_EXAMPLE_BODY }));
    const { client: example } = testClient(simulator, { baseUrl: server.url });
    try {
      const page = await example.fetchPage(
        rankingKey({ periodType: 'week', periodValue: '2026-13' }),
        1,
      );
      const entry = page.entries[0];
      expect(entry?.creator.uid).toBe('7291972001835992106');
      expect(entry?.liveGmv).toBe('958762.84');
      expect(entry?.topLives[0]?.unitsSold).toBe(72);
      expect(entry?.topLives[0]?.gmv).toBe('1646.34');
      expect(page.total).toBe(500);
      expect(page.attempts).toBe(1);
    } finally {
      await example.close();
      await server.close();
    }
  });
});

describe('retries', () => {
  it.each<[ScriptStep, string]>([
    ['429', '429'],
    ['5xx', '5xx'],
    ['html', 'html'],
    ['html200', 'html'],
    ['truncated', 'truncated'],
    ['reset', 'reset'],
    ['envelope', 'envelope'],
  ])('retries a %s answer and succeeds on the second call', async (step, outcome) => {
    simulator.setFaults({ script: [step], retryAfterSeconds: 0 });
    const { client: api, events } = client();
    const page = await api.fetchPage(key, 1);
    expect(page.attempts).toBe(2);
    expect(page.entries.length).toBeGreaterThan(0);
    expect(simulator.counters.callsFor(key, 1)).toBe(2);
    expect(simulator.counters.byOutcome).toMatchObject({ [outcome]: 1, ok: 1 });
    const retries = events.filter((event) => event.type === 'retry-scheduled');
    expect(retries).toHaveLength(1);
  });

  it('gives up on a stalled answer after the timeout and retries', async () => {
    simulator.setFaults({ script: ['stall'], stallMs: 5_000 });
    const { client: api, events } = client({ timeoutMs: 200 });
    const page = await api.fetchPage(key, 1);
    expect(page.attempts).toBe(2);
    expect(simulator.counters.byOutcome).toMatchObject({ stall: 1, ok: 1 });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'retry-scheduled', reason: 'timeout' }),
    );
  });

  it('throws the last TransientError after maxAttempts calls, saying how many', async () => {
    simulator.setFaults({ script: ['5xx', '5xx', '5xx', '5xx', 'ok'] });
    const { client: api } = client({ maxAttempts: 4 });
    const error = await rejection(api.fetchPage(key, 1));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ reason: 'server-error', apiCalls: 4, page: 1 });
    expect(error.message).toContain('gave up after 4 attempts');
    expect(simulator.counters.callsFor(key, 1)).toBe(4);
  });

  it('waits as long as Retry-After says, capped', async () => {
    simulator.setFaults({ script: ['429'], retryAfterSeconds: 1 });
    const { client: api, events } = client({ retryTiming: { maxRetryAfterMs: 120 } });
    const started = performance.now();
    await api.fetchPage(key, 1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'retry-scheduled',
        source: 'retry-after',
        delayMs: 120,
        reason: 'rate-limited',
      }),
    );
  });

  it('survives random faults at the rates a bad day brings', async () => {
    simulator.setFaults({
      rate429: 0.1,
      rate5xx: 0.1,
      rateHtml: 0.05,
      rateTruncated: 0.05,
      rateReset: 0.05,
      rateErrorEnvelope: 0.05,
      retryAfterSeconds: 0,
    });
    const { client: api } = client({ maxAttempts: 10 });
    const pages = await Promise.all(
      [1, 2, 3, 4, 5].map((page) => api.fetchPage(rankingKey({ periodValue: '2026-03-02' }), page)),
    );
    const attempts = pages.reduce((sum, page) => sum + page.attempts, 0);
    expect(attempts).toBe(simulator.counters.total);
    expect(simulator.counters.byOutcome.ok).toBe(5);
  });
});

describe('failures that are not retried', () => {
  it('stops after one call when the token is refused, and sends nothing more', async () => {
    const { client: api, events } = client({ token: 'not-the-token' });
    const error = await rejection(api.fetchPage(key, 1));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'FASTMOSS_AUTH', status: 401, apiCalls: 1 });
    expect(simulator.counters.total).toBe(1);

    const later = await rejection(api.fetchPage(key, 2));
    expect(later).toBeInstanceOf(AuthError);
    expect(later).toMatchObject({ apiCalls: 0 });
    expect(simulator.counters.total).toBe(1);
    // A start missed (the process's first connection is slow to open) sends nothing: left out.
    expect(events.map((event) => event.type).filter((type) => type !== 'start-missed')).toEqual([
      'request-started',
      'request-finished',
      'request-skipped',
    ]);
  });

  it('never shows the token, even when the server echoes it', async () => {
    const token = 'tok-VERY-SECRET-42';
    const { client: api, events } = client({ token });
    const error = await rejection(api.fetchPage(key, 1));
    expect(error.message).toContain('[redacted]');
    expect(visibleText(events, error)).not.toContain(token);

    simulator.setFaults({ script: ['5xx', 'html', 'truncated', 'reset', 'envelope', 'quota'] });
    const { client: other, events: otherEvents } = testClient(simulator, {
      token: 'sim-token',
      maxAttempts: 6,
    });
    const quota = await rejection(other.fetchPage(key, 1));
    await other.close();
    expect(visibleText(otherEvents, quota)).not.toContain('sim-token');
  });

  it('stops on a used-up quota after one call', async () => {
    simulator.setFaults({ script: ['quota'] });
    const { client: api } = client();
    const error = await rejection(api.fetchPage(key, 1));
    expect(error).toBeInstanceOf(QuotaError);
    expect(error).toMatchObject({ code: 'FASTMOSS_QUOTA', apiCalls: 1 });
    expect(simulator.counters.total).toBe(1);
  });

  it('does not retry a request the API refuses as invalid', async () => {
    const { client: api } = client();
    const error = await rejection(
      api.request({ ...topCreatorRequestBody(key, 1, 100), pagesize: 200 }),
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('pagesize must be in [1, 100]');
    expect(simulator.counters.total).toBe(1);
  });

  it('does not retry a broken page, and names the page and field', async () => {
    const broken = DOCUMENT_EXAMPLE_BODY.replace(
      '"uid": 7291972001835992106',
      '"uid": 7.291972001835992e18',
    );
    const server = await startFixedServer(() => ({ body: broken }));
    const { client: api } = testClient(simulator, { baseUrl: server.url });
    try {
      const error = await rejection(api.fetchPage(key, 3));
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error).toMatchObject({ code: 'FASTMOSS_INVALID_RESPONSE', page: 3, apiCalls: 1 });
      expect(error.message).toContain('page 3: data.list[0].creator.uid: expected an integer id');
      expect(server.requests).toBe(1);
    } finally {
      await api.close();
      await server.close();
    }
  });
});

describe('requests', () => {
  it('send the Bearer token, a JSON body with orderby as an array, and leave out "all" categories', async () => {
    let seen = '';
    const server = await startFixedServer((body) => {
      seen = body;
      return { body: '{"code":0,"data":{"list":[],"total":0},"message":""}' };
    });
    const { client: api } = testClient(simulator, { baseUrl: server.url });
    try {
      await api.fetchPage(rankingKey({ creatorCategoryId: 4 }), 1);
      expect(JSON.parse(seen)).toEqual({
        filter: {
          region: 'US',
          creator_category_id: 4,
          date_info: { type: 'day', value: '2026-04-01' },
        },
        orderby: [{ field: 'units_sold', order: 'desc' }],
        page: 1,
        pagesize: 100,
      });
    } finally {
      await api.close();
      await server.close();
    }
  });

  it('report started and finished events with outcome, status and duration', async () => {
    const { client: api, events } = client();
    await api.fetchPage(key, 1);
    // A start missed (the process's first connection is slow to open) sends nothing: left out.
    expect(events.filter((event) => event.type !== 'start-missed')).toEqual([
      {
        type: 'request-started',
        attempt: 1,
        label: `US/pc=all/cc=all/day:${key.periodValue}/units_sold`,
        page: 1,
      },
      expect.objectContaining({
        type: 'request-finished',
        attempt: 1,
        outcome: 'ok',
        status: 200,
        page: 1,
      }),
    ]);
  });
});
