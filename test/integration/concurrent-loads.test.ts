import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { loadRanking } from '../../src/db/load.ts';
import type { RankingKey } from '../../src/domain/ranking.ts';
import { lockWaits, useTestDatabase } from '../support/database.ts';
import { makeRanking, US_DAY_KEY } from '../support/rankings.ts';

const db = await useTestDatabase();

describe('concurrent loads', () => {
  it('two rankings sharing creators load concurrently: the second commits while the first is still open, no lock waited for', async () => {
    const seenBefore = new Date('2026-04-02T01:00:00Z');
    const seenNow = new Date('2026-04-02T01:20:00Z');
    // The creators, live streams and category exist already, as they do after the first ranking
    // of a run: the two loads below name the same 500 creators with the same attributes.
    await loadRanking(db.pool, makeRanking({ size: 500, fetchedAt: seenBefore }));
    const keyOf = (overrides: Partial<RankingKey>): RankingKey => ({ ...US_DAY_KEY, ...overrides });
    const first = makeRanking({ size: 500, fetchedAt: seenNow, key: keyOf({ orderField: 'gmv' }) });
    const second = makeRanking({ size: 500, fetchedAt: seenNow, key: keyOf({ region: 'GB' }) });

    const observer = createPool(db.url, { max: 1 });
    try {
      let holdOpen = () => {};
      const held = new Promise<void>((resolve) => {
        holdOpen = resolve;
      });
      let firstWritten = () => {};
      const firstIsOpen = new Promise<void>((resolve) => {
        firstWritten = resolve;
      });
      // The first load writes everything, then waits inside its transaction, uncommitted.
      const firstLoad = loadRanking(db.pool, first, {
        withinTransaction: async () => {
          firstWritten();
          await held;
        },
      });
      await firstIsOpen;

      let secondDone = false;
      const secondLoad = loadRanking(db.pool, second).finally(() => {
        secondDone = true;
      });
      const samples: { waiting: number; ungranted: number }[] = [];
      while (!secondDone) {
        const sample = await lockWaits(observer);
        samples.push(sample);
        // A wait now would last until the first load commits, which it never does on its own.
        if (sample.waiting > 0 || sample.ungranted > 0) break;
      }
      const secondCommittedFirst = secondDone;
      holdOpen();
      await Promise.all([firstLoad, secondLoad]);
      expect(samples.filter((s) => s.waiting > 0 || s.ungranted > 0)).toEqual([]);
      expect(samples.length).toBeGreaterThan(0);
      expect(secondCommittedFirst).toBe(true);
    } finally {
      await observer.end();
    }

    const { rows } = await db.pool.query<{ snapshots: number; entries: number }>(
      `SELECT (SELECT count(*)::int FROM fastmoss.ranking_snapshots) AS snapshots,
              (SELECT count(*)::int FROM fastmoss.ranking_entries) AS entries`,
    );
    expect(rows[0]).toEqual({ snapshots: 3, entries: 1500 });
    const creators = await db.pool.query<{ n: number; last_seen_at: Date }>(
      'SELECT count(*)::int AS n, max(last_seen_at) AS last_seen_at FROM fastmoss.creators',
    );
    // Within the hour of the stored sighting and unchanged: the rows were left alone.
    expect(creators.rows[0]).toEqual({ n: 500, last_seen_at: seenBefore });
  });
});
