import { createServer, type IncomingHttpHeaders } from 'node:http';

/*
 * A small, independent fake of FastMoss's protocol, written from FastMoss's own pages
 * (../shared/FASTMOSS-API.md and the endpoint page), sharing no code with src/simulator: each
 * request is answered by a script of envelopes, so the client is proven against something other
 * than our own simulator.
 */

export interface FakeRequest {
  /** 1 for the first request this fake saw. */
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  bodyText: string;
  /** The JSON body, or undefined when it is not JSON. */
  body: TopCreatorBody | undefined;
}

/** What the endpoint page says a topCreator body holds (only the parts the fake reads). */
export interface TopCreatorBody {
  filter?: { region?: string; date_info?: { type?: string; value?: string } };
  page?: number;
  pagesize?: number;
  orderby?: { field?: string }[];
}

export interface FakeAnswer {
  /** HTTP status; default 200. */
  status?: number;
  /** The envelope's code; default 0. */
  code?: number;
  /** The envelope's message. */
  message?: string;
  /** Its name: the guide's `msg` (default) or the endpoint page's `message`. */
  messageField?: 'msg' | 'message';
  /** The envelope's data; default null. */
  data?: unknown;
  headers?: Record<string, string>;
}

export type Answerer = (request: FakeRequest) => FakeAnswer;

export interface FakeFastmoss {
  url: string;
  /** Every request, in arrival order. */
  readonly requests: FakeRequest[];
  /** Arrival times (Date.now()) of every request, in order. */
  readonly arrivals: number[];
  /** How the next requests are answered; the last answerer keeps answering. */
  answerWith(answerer: Answerer): void;
  /** Requests for one ranking, by region and date_value (any page). */
  callsFor(region: string, dateValue: string): number;
  close(): Promise<void>;
}

/** The envelope text FastMoss sends: `{code, msg, data, request_id, timestamp}`. */
export function fakeEnvelope(answer: FakeAnswer, index: number): string {
  return JSON.stringify({
    code: answer.code ?? 0,
    [answer.messageField ?? 'msg']: answer.message ?? '',
    data: answer.data ?? null,
    request_id: `fake-${index}`,
    timestamp: Math.floor(Date.now() / 1000),
  });
}

/**
 * `data` of a topCreator page for a ranking of `total` rows, as the endpoint page shows one:
 * rows ranked by falling units sold, creators numbered from the region and rank.
 */
export function fakeRankingPage(body: TopCreatorBody | undefined, total: number): unknown {
  const page = body?.page ?? 1;
  const pagesize = body?.pagesize ?? 10;
  const region = body?.filter?.region ?? 'US';
  const first = (page - 1) * pagesize + 1;
  const last = Math.min(page * pagesize, total, 500);
  const list = [];
  for (let rank = first; rank <= last; rank += 1) {
    const uid = `7${String(region.charCodeAt(0)).padStart(3, '0')}${String(rank).padStart(15, '0')}`;
    list.push({
      creator: {
        uid,
        unique_id: `creator_${region}_${rank}`,
        nickname: `Creator ${rank}`,
        avatar: null,
        region,
        category: { id: 4, name: 'Beauty' },
        follower_count: 1000 * (600 - rank),
      },
      sale_product_count: 10,
      live_units_sold: 10_000 - rank,
      live_gmv: 100_000 - rank * 10.5,
      live_usd_gmv: 100_000 - rank * 10.5,
      currency: 'USD',
      live_count: 2,
      top_live: [],
    });
  }
  return {
    list,
    total,
    date_type: body?.filter?.date_info?.type ?? null,
    date_value: body?.filter?.date_info?.value ?? null,
  };
}

/** An answerer serving every ranking in full with `total` rows. */
export function servesRankings(total = 30): Answerer {
  return (request) => ({ data: fakeRankingPage(request.body, total) });
}

function parseBody(text: string): TopCreatorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as TopCreatorBody) : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeFastmoss(
  answerer: Answerer = servesRankings(),
): Promise<FakeFastmoss> {
  let answer = answerer;
  const requests: FakeRequest[] = [];
  const arrivals: number[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const bodyText = Buffer.concat(chunks).toString('utf8');
      const request: FakeRequest = {
        index: requests.length + 1,
        method: incoming.method ?? 'GET',
        path: new URL(incoming.url ?? '/', 'http://fake').pathname,
        headers: incoming.headers,
        bodyText,
        body: parseBody(bodyText),
      };
      requests.push(request);
      arrivals.push(Date.now());
      const reply = answer(request);
      response.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        ...reply.headers,
      });
      response.end(fakeEnvelope(reply, request.index));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    arrivals,
    answerWith(next) {
      answer = next;
    },
    callsFor: (region, dateValue) =>
      requests.filter(
        (request) =>
          request.body?.filter?.region === region &&
          request.body.filter.date_info?.value === dateValue,
      ).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers the first requests from `script`, one each, then with `then`. */
export function scripted(script: FakeAnswer[], then: Answerer = servesRankings()): Answerer {
  const queue = [...script];
  return (request) => queue.shift() ?? then(request);
}
