import type pg from 'pg';
import { markReplayed } from '../db/ledger.ts';
import { loadRanking } from '../db/load.ts';
import { readQuarantine, releaseFromQuarantine, updateQuarantineReason } from '../db/quarantine.ts';
import {
  type FetchedRanking,
  type RankingKey,
  type RawPage,
  rankingKeyLabel,
} from '../domain/ranking.ts';
import { rankingFromPages } from '../fastmoss/ranking.ts';
import type { RankingFailure } from './load-rankings.ts';
import { quarantineReasonOf } from './quarantine-reason.ts';
import { describeError } from './run-jobs.ts';

/** What `replay` did with the quarantine. */
export interface ReplaySummary {
  /** Quarantined rankings looked at. */
  quarantined: number;
  /** Loaded, their jobs marked succeeded and their entries cleared. */
  loaded: string[];
  /** Still refused, with today's reason (also stored). */
  stillQuarantined: RankingFailure[];
  /** Always 0: a replay reads stored pages only. */
  apiCalls: 0;
}

/**
 * Re-validates every quarantined ranking from its stored pages and loads those that now pass, in
 * one transaction each with their job marked succeeded and their quarantine entry removed.
 * `validate` is the check a fix changes; by default the client's own rankingFromPages.
 */
export async function replayQuarantine(
  pool: pg.Pool,
  validate: (key: RankingKey, pages: RawPage[]) => FetchedRanking = rankingFromPages,
): Promise<ReplaySummary> {
  const entries = await readQuarantine(pool);
  const summary: ReplaySummary = {
    quarantined: entries.length,
    loaded: [],
    stillQuarantined: [],
    apiCalls: 0,
  };
  for (const entry of entries) {
    const label = rankingKeyLabel(entry.key);
    let ranking: FetchedRanking;
    try {
      ranking = validate(entry.key, entry.pages);
    } catch (error) {
      const reason = quarantineReasonOf(error);
      await updateQuarantineReason(pool, entry.key, reason);
      summary.stillQuarantined.push({ ranking: label, reason: reason.reason });
      continue;
    }
    try {
      await loadRanking(pool, ranking, {
        runId: entry.runId ?? undefined,
        withinTransaction: async (tx) => {
          await markReplayed(tx, entry.key, { rowsLoaded: ranking.entries.length });
          await releaseFromQuarantine(tx, entry.key);
        },
      });
    } catch (error) {
      // The pages pass but the write failed: the entry stays as it was, for the next replay.
      summary.stillQuarantined.push({ ranking: label, reason: describeError(error) });
      continue;
    }
    summary.loaded.push(label);
  }
  return summary;
}
