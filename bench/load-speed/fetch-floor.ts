import { Pool } from 'undici';
import { MAX_PAGE_SIZE } from '../../src/domain/ranking.ts';
import { TOP_CREATOR_PATH, topCreatorRequestBody } from '../../src/fastmoss/request-body.ts';
import type { PlannedRanking } from '../../src/plan/plan.ts';
import { BENCH_TOKEN } from '../support/simulator-process.ts';

export interface FetchFloor {
  durationMs: number;
  pages: number;
  bytes: number;
  rows: number;
}

interface PageRequest {
  body: string;
}

/**
 * The least a client can do: every page requested at `concurrency` over one keep-alive pool,
 * the body read and JSON.parse'd, nothing checked, no rate limit, no retries. It knows each
 * ranking has 5 pages, so no page waits for page 1 the way a real client must.
 */
export async function measureFetchFloor(
  baseUrl: string,
  rankings: PlannedRanking[],
  concurrency: number,
): Promise<FetchFloor> {
  const requests: PageRequest[] = rankings.flatMap((ranking) =>
    [1, 2, 3, 4, 5].map((page) => ({
      body: JSON.stringify(topCreatorRequestBody(ranking.key, page, MAX_PAGE_SIZE)),
    })),
  );
  const url = new URL(baseUrl);
  const pool = new Pool(url.origin, { connections: concurrency });
  let next = 0;
  let bytes = 0;
  let rows = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const request = requests[index];
      if (!request) break;
      const response = await pool.request({
        path: TOP_CREATOR_PATH,
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
        body: request.body,
      });
      const text = await response.body.text();
      bytes += text.length;
      const parsed = JSON.parse(text) as { data?: { list?: unknown[] } };
      rows += parsed.data?.list?.length ?? 0;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const durationMs = performance.now() - started;
  await pool.close();
  return { durationMs, pages: requests.length, bytes, rows };
}
