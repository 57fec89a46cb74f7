import { createServer } from 'node:http';

/*
 * A topCreator server that answers each ranking with crafted, hostile pages: one scenario per day
 * of January 2026 (US, day, units_sold). Bodies are written as text so that numbers can be sent
 * bare, beyond what JSON.stringify can write (19-digit ids, 30-digit money, 1e20).
 */

const RAW = '@@raw:';
const RAW_PATTERN = /"@@raw:([^"]*)"/g;

/** A JSON value sent as the given text, unquoted. */
export const raw = (text: string): string => `${RAW}${text}`;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Row = { [key: string]: Json };

export interface HostilePage {
  total: Json;
  rows: Row[];
}

export interface HostileScenario {
  /** The ranking's day in January 2026: `2026-01-DD`. */
  day: string;
  name: string;
  /** `accepted`: loads as sent (NUL dropped); `invalid`: the ranking fails naming `field`. */
  verdict: 'accepted' | 'invalid';
  /** Text the failure reason must contain. */
  field?: string;
  page(page: number): HostilePage;
}

export function hostileUid(scenario: number, rank: number): string {
  return (7_300_000_000_000_000_000n + BigInt(scenario) * 10_000n + BigInt(rank)).toString();
}

/** A valid row; `rank` orders units sold, descending. */
export function validRow(scenario: number, rank: number): Row {
  const uid = hostileUid(scenario, rank);
  return {
    creator: {
      uid: raw(uid),
      unique_id: `hostile_${scenario}_${rank}`,
      nickname: `Creator ${rank}`,
      avatar: `https://example.test/${uid}.jpeg`,
      region: 'US',
      category: { id: 4, name: 'Beauty' },
      follower_count: 1000 + rank,
    },
    sale_product_count: 10,
    live_units_sold: 100_000 - rank,
    live_gmv: raw('1000.50'),
    live_usd_gmv: raw('1000.50'),
    currency: 'USD',
    live_count: 3,
    top_live: [
      {
        room_id: (7_600_000_000_000_000_000n + (BigInt(uid) % 1_000_000_000n)).toString(),
        uid,
        title: `live of ${rank}`,
        region: 'US',
        cover: 'https://example.test/cover.jpeg',
        uints_sold: 5,
        gmv: raw('10.25'),
        currency: 'USD',
      },
    ],
  };
}

/** Rows `from..to` of a valid ranking, each changed by `change` (may return a new row). */
export function validRows(
  scenario: number,
  from: number,
  to: number,
  change: (row: Row, rank: number) => Row = (row) => row,
): Row[] {
  const rows: Row[] = [];
  for (let rank = from; rank <= to; rank += 1) rows.push(change(validRow(scenario, rank), rank));
  return rows;
}

/** The valid pages of a ranking of `total` rows. */
export function pagesOf(scenario: number, total: number, change?: (row: Row, rank: number) => Row) {
  return (page: number): HostilePage => {
    const from = (page - 1) * 100 + 1;
    const to = Math.min(page * 100, total, 500);
    return { total, rows: from <= to ? validRows(scenario, from, to, change) : [] };
  };
}

function creatorOf(row: Row): Row {
  const creator = row.creator;
  if (creator === null || typeof creator !== 'object' || Array.isArray(creator)) {
    throw new Error('row without a creator object');
  }
  return creator;
}

/** The row with its creator's fields replaced. */
export function withCreator(row: Row, fields: Row): Row {
  return { ...row, creator: { ...creatorOf(row), ...fields } };
}

/** The row with its creator's `field` left out. */
export function withoutCreatorField(row: Row, field: string): Row {
  const { [field]: _dropped, ...creator } = creatorOf(row);
  return { ...row, creator };
}

export interface HostileServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

function pageText(day: string, answer: HostilePage): string {
  const body = JSON.stringify({
    code: 0,
    data: { list: answer.rows, total: answer.total, date_type: 'day', date_value: day },
    message: '',
    timestamp: 1777297264,
    request_id: 'hostile',
  });
  return body.replace(RAW_PATTERN, '$1');
}

/**
 * Answers topCreator with the scenario of the requested day (an empty ranking for any other
 * request). Expects the Bearer `token`; any other gets a 401.
 */
export async function startHostileServer(
  scenarios: HostileScenario[],
  token: string,
): Promise<HostileServer> {
  const byDay = new Map(scenarios.map((scenario) => [scenario.day, scenario]));
  const state = { requests: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests += 1;
      if (request.headers.authorization !== `Bearer ${token}`) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end('{"code":40101,"data":null,"message":"Unauthorized"}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        filter?: { date_info?: { value?: string } };
        page?: number;
      };
      const day = body.filter?.date_info?.value ?? '';
      const scenario = byDay.get(day);
      const answer = scenario ? scenario.page(body.page ?? 1) : { total: 0, rows: [] };
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(pageText(day, answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
