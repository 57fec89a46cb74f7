import { readRankingPage } from '../../src/fastmoss/classify.ts';
import { parseLossless } from '../../src/fastmoss/lossless-parse.ts';
import { rankingRows } from '../../src/simulator/data.ts';
import { rankingPageText } from '../../src/simulator/render.ts';
import { fullRankings } from '../support/rankings.ts';

/** CPU ms per 100-row page for each step the client takes after the body arrives. */
export interface PageCosts {
  jsonParseMs: number;
  losslessParseMs: number;
  losslessParseAndValidateMs: number;
  pageBytes: number;
}

/**
 * The client's per-page work measured apart from I/O, on pages the simulator would serve: the
 * profile spreads validation over zod, wire.ts, GC and string flattening, and this adds them up.
 */
export function measurePageCosts(): PageCosts {
  const pages = fullRankings(20).flatMap(({ key }) =>
    [1, 2, 3, 4, 5].map((page) =>
      rankingPageText(key, 600, rankingRows(key, (page - 1) * 100 + 1, page * 100), {
        timestamp: 0,
        requestId: 'bench',
      }),
    ),
  );
  const perPage = (work: (text: string) => unknown): number => {
    for (const text of pages) work(text);
    const started = performance.now();
    for (let round = 0; round < 3; round += 1) for (const text of pages) work(text);
    return (performance.now() - started) / (3 * pages.length);
  };
  const validate = (text: string) => {
    // As the client reads a page: the hand-written fast path, zod only for a doubtful page.
    const envelope = parseLossless(text) as { data: unknown };
    return readRankingPage(envelope.data, 'bench page', 1);
  };
  return {
    jsonParseMs: perPage((text) => JSON.parse(text)),
    losslessParseMs: perPage(parseLossless),
    losslessParseAndValidateMs: perPage(validate),
    pageBytes: Math.round(pages.reduce((sum, text) => sum + text.length, 0) / pages.length),
  };
}
