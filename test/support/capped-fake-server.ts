import { createServer } from 'node:http';

/*
 * A small FastMoss topCreator fake written apart from the bundled simulator: a plan that caps
 * `pagesize` (page p holds ranks (p-1)*cap+1 .. p*cap whatever size is asked), the endpoint's
 * rules (pagesize 1..100, page * pagesize <= 500, else code 10001 in `msg`), Bearer auth, and
 * a fixed total per ranking. Rows are made from the ranking key, so tests know every creator.
 */

export interface FakeRequest {
  ranking: string;
  page: number;
  pagesize: number;
}

export interface CappedFakeServer {
  url: string;
  /** Every valid data request, in arrival order. */
  requests: FakeRequest[];
  /** Requests refused by the endpoint's rules (there should be none). */
  refused: number;
  /** Requests for one ranking (`region/period_value/order_field`). */
  callsFor(ranking: string): FakeRequest[];
  close(): Promise<void>;
}

/** `region/period_value/order_field`, the fake's name of a ranking. */
export function fakeRankingName(region: string, periodValue: string, orderField: string): string {
  return `${region}/${periodValue}/${orderField}`;
}

/** The uid the fake ranks at `rank` in `ranking`: 19 digits, beyond 2^53. */
export function fakeUid(ranking: string, rank: number): string {
  let hash = 0;
  for (const char of ranking) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000;
  return (7_100_000_000_000_000_000n + BigInt(hash) * 1_000n + BigInt(rank)).toString();
}

function row(ranking: string, rank: number, region: string): string {
  const uid = fakeUid(ranking, rank);
  // The uid as a bare JSON number, as FastMoss sends it.
  return `{"creator":{"uid":${uid},"unique_id":"fake_${rank}","nickname":"Fake ${rank}","avatar":"https://example.test/a/${rank}.jpeg","region":"${region}","category":{"id":4,"name":"Beauty"},"follower_count":${100_000 - rank}},"sale_product_count":3,"live_units_sold":${10_000 - rank},"live_gmv":${(10_000 - rank) * 2}.5,"live_usd_gmv":${(10_000 - rank) * 2}.5,"currency":"USD","live_count":1,"top_live":[]}`;
}

export async function startCappedFakeServer(options: {
  token: string;
  cap: number;
  total: number;
}): Promise<CappedFakeServer> {
  const requests: FakeRequest[] = [];
  const state = { refused: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: string) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      };
      const envelope = (code: number, msg: string, data: string) =>
        `{"code":${code},"msg":"${msg}","data":${data},"request_id":"fake-${requests.length}","timestamp":${Math.floor(Date.now() / 1000)}}`;
      if (request.headers.authorization !== `Bearer ${options.token}`) {
        answer(401, envelope(30001, 'no access permission', 'null'));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        filter: { region: string; date_info: { type: string; value: string } };
        orderby: { field: string }[];
        page: number;
        pagesize: number;
      };
      const { page, pagesize } = body;
      if (pagesize < 1 || pagesize > 100 || page < 1 || page * pagesize > 500) {
        state.refused += 1;
        answer(200, envelope(10001, 'parameter error: page * pagesize must be <= 500', 'null'));
        return;
      }
      const region = body.filter.region;
      const ranking = fakeRankingName(
        region,
        body.filter.date_info.value,
        body.orderby[0]?.field ?? '',
      );
      requests.push({ ranking, page, pagesize });
      const served = Math.min(pagesize, options.cap);
      const from = (page - 1) * served + 1;
      const to = Math.min(page * served, options.total, 500);
      const rows: string[] = [];
      for (let rank = from; rank <= to; rank += 1) rows.push(row(ranking, rank, region));
      const data = `{"list":[${rows.join(',')}],"total":${options.total},"date_type":"${body.filter.date_info.type}","date_value":"${body.filter.date_info.value}"}`;
      answer(200, envelope(0, '', data));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    get refused() {
      return state.refused;
    },
    callsFor: (ranking) => requests.filter((request) => request.ranking === ranking),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
