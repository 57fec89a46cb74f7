import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rankingRows, rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { keyWithTotal, postTopCreator, rankingKey } from '../support/simulator.ts';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 7 });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.setFaults({});
  simulator.reset();
});

const request = (page: number, overrides: Record<string, unknown> = {}) => ({
  filter: { region: 'GB', date_info: { type: 'week', value: '2026-13' } },
  orderby: [{ field: 'gmv', order: 'desc' }],
  page,
  pagesize: 100,
  ...overrides,
});

/** The body without what is allowed to change per response. */
function withoutStamp(text: string): string {
  return text.replace(/"timestamp":\d+,"request_id":"[^"]*"/, '');
}

describe('the simulator over HTTP', () => {
  it('serves the same bytes for the same key and page', async () => {
    const first = await postTopCreator(simulator, request(2));
    const again = await postTopCreator(simulator, request(2));
    const otherPage = await postTopCreator(simulator, request(3));
    expect(first.status).toBe(200);
    expect(withoutStamp(again.text)).toBe(withoutStamp(first.text));
    expect(withoutStamp(otherPage.text)).not.toBe(withoutStamp(first.text));
  });

  it("answers with the document's quirks: bare 19-digit uid, string ids in top_live, uints_sold, decimal money, echoed period", async () => {
    const { text } = await postTopCreator(simulator, request(1));
    expect(text).toMatch(/^\{"code":0,"data":\{"list":\[\{"creator":\{"uid":\d{19},"unique_id":"/);
    expect(text).toMatch(/"top_live":\[\{"room_id":"\d{19}","uid":"\d{19}"/);
    expect(text).toContain('"uints_sold":');
    expect(text).not.toContain('"units_sold"');
    expect(text).toMatch(/"live_gmv":\d+\.\d{1,2},/);
    expect(text).toContain('"currency":"GBP"');
    expect(text).toMatch(
      /"date_type":"week","date_value":"2026-13"\},"msg":"","timestamp":\d+,"request_id":"[0-9a-f-]{36}"\}$/,
    );
  });

  it('reports a total beyond 500 but serves no row past 500, and an empty list past the total', async () => {
    const big = keyWithTotal((total) => total > 600);
    const body = (page: number, pagesize: number) =>
      request(page, {
        filter: { region: big.region, date_info: { type: 'day', value: big.periodValue } },
        pagesize,
      });
    const last = JSON.parse((await postTopCreator(simulator, body(5, 100))).text);
    expect(last.data.total).toBe(rankingTotal(big));
    expect(last.data.list).toHaveLength(100);

    const small = keyWithTotal((total) => total > 0 && total < 50);
    const beyond = JSON.parse(
      (
        await postTopCreator(
          simulator,
          request(2, {
            filter: { region: 'US', date_info: { type: 'day', value: small.periodValue } },
            pagesize: 50,
          }),
        )
      ).text,
    );
    expect(beyond.data).toMatchObject({ list: [], total: rankingTotal(small) });
  });

  it('refuses a missing or wrong token with HTTP 401 and a non-zero code', async () => {
    for (const token of [null, 'wrong']) {
      const response = await postTopCreator(simulator, request(1), token);
      expect(response.status).toBe(401);
      const envelope = JSON.parse(response.text);
      expect(envelope).toMatchObject({ code: 40101, data: null });
      expect(envelope.msg).toMatch(/^Unauthorized/);
    }
    expect(simulator.counters.byOutcome.unauthorized).toBe(2);
  });

  it('answers a broken request rule with HTTP 200 and code 10001, parameter error', async () => {
    const response = await postTopCreator(simulator, request(6));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({
      code: 10001,
      data: null,
      msg: 'Invalid parameter: page * pagesize must be <= 500',
    });
    const notJson = await postTopCreator(simulator, '{"filter":');
    expect(JSON.parse(notJson.text)).toMatchObject({
      code: 10001,
      msg: 'Invalid parameter: the body is not JSON',
    });
    expect(simulator.counters.byOutcome.invalid).toBe(2);
  });

  it('answers an unknown path with 404', async () => {
    const response = await fetch(`${simulator.url}/live/v1/rank/topProduct`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 40400, data: null });
    expect(simulator.counters.byOutcome.notFound).toBe(1);
  });

  it('counts calls per ranking page, and forgets them on reset', async () => {
    await postTopCreator(simulator, request(1));
    await postTopCreator(simulator, request(1));
    await postTopCreator(simulator, request(2));
    const key = rankingKey({
      region: 'GB',
      periodType: 'week',
      periodValue: '2026-13',
      orderField: 'gmv',
    });
    expect(simulator.counters.callsFor(key, 1)).toBe(2);
    expect(simulator.counters.callsFor(key)).toBe(3);
    expect(simulator.counters.total).toBe(3);
    expect(simulator.counters.starts).toHaveLength(3);
    simulator.reset();
    expect(simulator.counters.callsFor(key)).toBe(0);
    expect(simulator.counters.byOutcome.ok).toBe(0);
  });

  it('plays a fault script in order, then serves normally', async () => {
    simulator.setFaults({
      script: ['429', 'envelope', 'quota', 'html200', 'ok'],
      retryAfterSeconds: 3,
    });
    const tooMany = await postTopCreator(simulator, request(1));
    expect(tooMany.status).toBe(429);
    const busy = await postTopCreator(simulator, request(1));
    expect(JSON.parse(busy.text)).toMatchObject({ code: 40001, msg: 'Service exception' });
    const quota = await postTopCreator(simulator, request(1));
    expect(JSON.parse(quota.text)).toMatchObject({ code: 30002, msg: 'Data limit exceeded' });
    const html = await postTopCreator(simulator, request(1));
    expect([html.status, html.contentType]).toEqual([200, 'text/html; charset=utf-8']);
    expect((await postTopCreator(simulator, request(1))).status).toBe(200);
    expect(simulator.counters.byOutcome).toMatchObject({
      '429': 1,
      envelope: 1,
      quota: 1,
      html: 1,
      ok: 1,
    });
  });

  it('draws random faults reproducibly from its seed', async () => {
    const outcomes = async () => {
      simulator.reset();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i += 1)
        statuses.push((await postTopCreator(simulator, request(1))).status);
      return statuses;
    };
    simulator.setFaults({ rate429: 0.3, rate5xx: 0.2, retryAfterSeconds: 0 });
    const first = await outcomes();
    expect(await outcomes()).toEqual(first);
    expect(first.filter((status) => status === 429).length).toBeGreaterThan(3);
    expect(first.filter((status) => status >= 500).length).toBeGreaterThan(1);
  });
});

describe('the documented business codes', () => {
  it('answers each documented code as a fault, with the message under msg', async () => {
    const codes = ['10001', '20001', '30001', '30002', '30003', '40001'] as const;
    simulator.setFaults({ script: [...codes] });
    const answers = [];
    for (const _code of codes)
      answers.push(JSON.parse((await postTopCreator(simulator, request(1))).text));
    expect(answers.map((answer) => [answer.code, answer.msg, answer.data])).toEqual([
      [10001, 'Parameter error: a parameter does not meet the requirements', null],
      [20001, 'Resource not found', null],
      [30001, 'No access permission', null],
      [30002, 'Data limit exceeded', null],
      [30003, 'Access frequency limit exceeded', null],
      [40001, 'Service exception', null],
    ]);
    expect(simulator.counters.byOutcome).toMatchObject({
      '10001': 1,
      '20001': 1,
      '30001': 1,
      '30002': 1,
      '30003': 1,
      '40001': 1,
      ok: 0,
    });
  });

  it('draws documented codes at their rates', async () => {
    simulator.setFaults({ rate20001: 0.5 });
    const codes = [];
    for (let i = 0; i < 40; i += 1)
      codes.push(JSON.parse((await postTopCreator(simulator, request(1))).text).code);
    expect(codes.filter((code) => code === 20001).length).toBeGreaterThan(8);
    expect(codes.filter((code) => code === 0).length).toBeGreaterThan(8);
  });

  it("spells the message field 'message', as the endpoint page does, when asked", async () => {
    const spelled = await startSimulator({ envelope: 'message' });
    try {
      spelled.setFaults({ script: ['30001'] });
      const refused = JSON.parse((await postTopCreator(spelled, request(1))).text);
      expect(refused).toMatchObject({ code: 30001, message: 'No access permission' });
      expect(refused).not.toHaveProperty('msg');
      const page = JSON.parse((await postTopCreator(spelled, request(1))).text);
      expect(page).toMatchObject({ code: 0, message: '' });
    } finally {
      await spelled.close();
    }
  });

  it('answers every request of a ranking with its quirk code', async () => {
    const quirky = await startSimulator({
      quirks: (key) => (key.region === 'GB' ? { code: 20001 } : undefined),
    });
    try {
      const gb = JSON.parse((await postTopCreator(quirky, request(1))).text);
      expect(gb).toMatchObject({ code: 20001, msg: 'Resource not found' });
      const us = JSON.parse(
        (
          await postTopCreator(
            quirky,
            request(1, { filter: { region: 'US', date_info: { type: 'week', value: '2026-13' } } }),
          )
        ).text,
      );
      expect(us.code).toBe(0);
      expect(quirky.counters.byOutcome).toMatchObject({ '20001': 1, ok: 1 });
    } finally {
      await quirky.close();
    }
  });
});

describe('the simulator rate limit', () => {
  it('answers requests beyond rps in one second with 429 and Retry-After', async () => {
    const limited = await startSimulator({ rps: 5 });
    try {
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${limited.url}/live/v1/rank/topCreator`, {
            method: 'POST',
            headers: { authorization: 'Bearer sim-token' },
            body: JSON.stringify(request(1)),
          }),
        ),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const tooMany = responses.find((response) => response.status === 429);
      expect(Number(tooMany?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.counters.byOutcome.rateLimited).toBe(3);
    } finally {
      await limited.close();
    }
  });
});

describe('the simulator page-size cap', () => {
  it('serves page p of a capped plan as ranks (p-1)*cap+1..p*cap whatever pagesize asks', async () => {
    const capped = await startSimulator({ pageSizeCap: 10 });
    try {
      const key = keyWithTotal((total) => total > 100);
      const body = (page: number, pagesize: number) => ({
        filter: { region: key.region, date_info: { type: 'day', value: key.periodValue } },
        orderby: [{ field: key.orderField, order: 'desc' }],
        page,
        pagesize,
      });
      const uids = (text: string) =>
        [...text.matchAll(/"creator":\{"uid":(\d+)/g)].map((m) => m[1]);
      const first = await postTopCreator(capped, body(1, 100));
      expect(uids(first.text)).toEqual(rankingRows(key, 1, 10).map((row) => row.creator.uid));
      const third = await postTopCreator(capped, body(3, 10));
      expect(uids(third.text)).toEqual(rankingRows(key, 21, 30).map((row) => row.creator.uid));
      // The 500 rule still applies to the size asked.
      const refused = await postTopCreator(capped, body(6, 100));
      expect(refused.text).toContain('page * pagesize must be <= 500');
      expect(capped.counters.pagesizesFor(key)).toEqual([100, 10]);
    } finally {
      await capped.close();
    }
  });
});
