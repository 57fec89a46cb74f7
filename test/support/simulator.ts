import { createServer } from 'node:http';
import type { RankingKey } from '../../src/domain/ranking.ts';
import {
  createFastmossClient,
  type FastmossClient,
  type FastmossEvent,
} from '../../src/fastmoss/client.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import type { Simulator } from '../../src/simulator/server.ts';
import { US_DAY_KEY } from './rankings.ts';

export const SIM_TOKEN = 'sim-token';

/** The response example of the FastMoss document, verbatim (bare 19-digit uid, `uints_sold`). */
export const DOCUMENT_EXAMPLE_BODY = `{
    "code": 0,
    "data": {
        "list": [
            {
                "creator": {
                    "uid": 7291972001835992106,
                    "unique_id": "highlanddaily1",
                    "nickname": "highlanddaily1",
                    "avatar": "https://s.500fd.com/tt_author/05cf95d47762fb424adeb44051ec003a~c5_300x300.jpeg",
                    "region": "US",
                    "category": {
                        "id": 4,
                        "name": "Beauty"
                    },
                    "follower_count": 77777777
                },
                "sale_product_count": 178,
                "live_units_sold": 57140,
                "live_gmv": 958762.84,
                "live_usd_gmv": 958762.84,
                "currency": "USD",
                "live_count": 6,
                "top_live": [
                    {
                        "room_id": "7621968386985085727",
                        "uid": "7291972001835992106",
                        "title": "Spring Glow Up LIVE",
                        "region": "US",
                        "cover": "https://s.500fd.com/tt_live/7584354100402735927~tplv-obj.image",
                        "uints_sold": 72,
                        "gmv": 1646.34,
                        "currency": "USD"
                    },
                    {
                        "room_id": "7621609989198727966",
                        "uid": "7291972001835992106",
                        "title": "Spring Glow Up LIVE",
                        "region": "US",
                        "cover": "https://s.500fd.com/tt_live/7584354100402735927~tplv-obj.image",
                        "uints_sold": 20,
                        "gmv": 292.64,
                        "currency": "USD"
                    }
                ]
            }
        ],
        "total": 500,
        "date_type": "week",
        "date_value": "2026-13"
    },
    "message": "",
    "timestamp": 1777297264,
    "request_id": "eeb9aec8-5bd6-2019-da8d-ba53c6946833"
}`;

export function rankingKey(overrides: Partial<RankingKey> = {}): RankingKey {
  return { ...US_DAY_KEY, ...overrides };
}

/** The first day of 2025-2026 whose ranking (with `overrides`) has a total satisfying `wanted`. */
export function keyWithTotal(
  wanted: (total: number) => boolean,
  overrides: Partial<RankingKey> = {},
): RankingKey {
  for (let offset = 0; offset < 730; offset += 1) {
    const day = new Date(Date.UTC(2025, 0, 1 + offset)).toISOString().slice(0, 10);
    const key = rankingKey({ ...overrides, periodType: 'day', periodValue: day });
    if (wanted(rankingTotal(key))) return key;
  }
  throw new Error('no simulated day has such a total');
}

/** A raw topCreator call, bypassing the client, for testing the simulator itself. */
export async function postTopCreator(
  simulator: Simulator,
  body: unknown,
  token: string | null = SIM_TOKEN,
): Promise<{ status: number; text: string; contentType: string | null }> {
  const response = await fetch(`${simulator.url}/live/v1/rank/topCreator`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    text: await response.text(),
    contentType: response.headers.get('content-type'),
  };
}

export interface TestClient {
  client: FastmossClient;
  events: FastmossEvent[];
}

/** A client on the simulator with millisecond backoff, recording every event. */
export function testClient(
  simulator: Simulator,
  overrides: Partial<Parameters<typeof createFastmossClient>[0]> = {},
): TestClient {
  const events: FastmossEvent[] = [];
  const client = createFastmossClient({
    baseUrl: simulator.url,
    token: SIM_TOKEN,
    concurrency: 4,
    rps: 1000,
    maxAttempts: 4,
    timeoutMs: 2_000,
    retryTiming: { baseMs: 2, maxMs: 20, floorMs: 0, maxRetryAfterMs: 50, slowDownMs: 5 },
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { client, events };
}

export interface FixedServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** A bare node:http server answering every request with `answer`, for bodies the simulator won't send. */
export async function startFixedServer(
  answer: (requestBody: string) => { status?: number; body: string; contentType?: string },
): Promise<FixedServer> {
  const state = { requests: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests += 1;
      const {
        status = 200,
        body,
        contentType = 'application/json',
      } = answer(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(status, { 'content-type': contentType });
      response.end(body);
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

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a rejection');
}
