import pLimit from 'p-limit';
import type pg from 'pg';
import { loadRanking } from '../db/load.ts';
import { listArchivedRankings, readArchivedPages } from '../db/raw-archive.ts';
import { rankingKeyLabel } from '../domain/ranking.ts';
import { rankingFromPages } from '../fastmoss/ranking.ts';
import type { RankingFailure } from './load-rankings.ts';
import { describeError } from './run-jobs.ts';

/** What a rebuild from the raw archive did. */
export interface RebuildSummary {
  /** Archived rankings in the range. */
  rankings: number;
  rebuilt: number;
  failed: number;
  pages: number;
  rowsLoaded: number;
  /** Always 0: a rebuild reads the archive only. */
  apiCalls: 0;
  durationMs: number;
  failures: RankingFailure[];
}

/** Rankings rebuilt at once: each is one transaction on its own connection. */
const REBUILDS_IN_FLIGHT = 4;

/**
 * Rewrites the normalized tables from fastmoss.raw_pages with no API call: every archived
 * ranking whose period overlaps [from, to] is re-validated by the client's own checks and loaded
 * as the original load did (same fetched_at, api_calls and run). A ranking whose pages no longer
 * pass keeps its current warehouse version and is reported.
 */
export async function rebuildFromArchive(
  pool: pg.Pool,
  range: { from?: string; to?: string },
): Promise<RebuildSummary> {
  const started = performance.now();
  const archived = await listArchivedRankings(pool, range);
  const limit = pLimit(REBUILDS_IN_FLIGHT);
  const summary: RebuildSummary = {
    rankings: archived.length,
    rebuilt: 0,
    failed: 0,
    pages: 0,
    rowsLoaded: 0,
    apiCalls: 0,
    durationMs: 0,
    failures: [],
  };
  await Promise.all(
    archived.map((item) =>
      limit(async () => {
        const pages = await readArchivedPages(pool, item.key);
        summary.pages += pages.length;
        try {
          // The pages are archived already: load the ranking without rewriting them.
          const { pages: _archived, ...ranking } = rankingFromPages(item.key, pages);
          const loaded = await loadRanking(pool, ranking, { runId: item.runId ?? undefined });
          summary.rebuilt += 1;
          summary.rowsLoaded += loaded.entries + loaded.topLives;
        } catch (error) {
          summary.failed += 1;
          summary.failures.push({
            ranking: rankingKeyLabel(item.key),
            reason: describeError(error),
          });
        }
      }),
    ),
  );
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}
