import { eq, sql } from 'drizzle-orm';
import { createPool } from '../../src/db/connect.ts';
import { ensurePartitions } from '../../src/db/partitions.ts';
import {
  creatorCategories,
  creators,
  liveStreams,
  rankingEntries,
  rankingSnapshots,
  rankingTopLives,
} from '../../src/db/schema.ts';
import { createDatabase } from '../../src/db/typed-database.ts';
import { createFastmossClient } from '../../src/fastmoss/client.ts';
import type { PlannedRanking } from '../../src/plan/plan.ts';
import { BENCH_TOKEN } from '../support/simulator-process.ts';

/**
 * The load as a typical script would write it: each ranking's pages one after another, and every
 * row its own drizzle insert, autocommitted. It fetches through our own client (one request at a
 * time), so exact ids survive and the comparison is about the loading, not about JSON.parse.
 */
export async function naiveLoad(
  databaseUrl: string,
  baseUrl: string,
  rankings: PlannedRanking[],
): Promise<{ durationMs: number; rows: number }> {
  const pool = createPool(databaseUrl, { max: 1 });
  const db = createDatabase(pool);
  const client = createFastmossClient({
    baseUrl,
    token: BENCH_TOKEN,
    concurrency: 1,
    rps: 10_000,
    maxAttempts: 3,
  });
  let rows = 0;
  const started = performance.now();
  try {
    for (const { key, periodStart, periodEnd } of rankings) {
      const seenAt = new Date();
      // The fact tables are partitioned by month: even a naive script needs the month's partition.
      await ensurePartitions(pool, [periodStart]);
      const [snapshot] = await db
        .insert(rankingSnapshots)
        .values({ ...key, periodStart, periodEnd, total: 0, entryCount: 0, fetchedAt: seenAt })
        .onConflictDoUpdate({
          target: [
            rankingSnapshots.region,
            rankingSnapshots.productCategoryId,
            rankingSnapshots.creatorCategoryId,
            rankingSnapshots.periodType,
            rankingSnapshots.periodValue,
            rankingSnapshots.orderField,
          ],
          set: { fetchedAt: seenAt },
        })
        .returning({ id: rankingSnapshots.id });
      if (!snapshot) throw new Error('no snapshot id');
      await db.delete(rankingEntries).where(eq(rankingEntries.snapshotId, snapshot.id));
      let rank = 0;
      let total = 0;
      for (let page = 1; page === 1 || (page - 1) * 100 < Math.min(total, 500); page += 1) {
        const fetched = await client.fetchPage(key, page, 100);
        total = fetched.total;
        for (const entry of fetched.entries) {
          rank += 1;
          const { creator } = entry;
          if (creator.categoryId !== null) {
            await db
              .insert(creatorCategories)
              .values({ id: creator.categoryId, name: creator.categoryName })
              .onConflictDoNothing();
          }
          const attributes = {
            uniqueId: creator.uniqueId,
            nickname: creator.nickname,
            avatarUrl: creator.avatarUrl,
            region: creator.region,
            creatorCategoryId: creator.categoryId,
            followerCount: creator.followerCount,
            lastSeenAt: seenAt,
          };
          await db
            .insert(creators)
            .values({ uid: creator.uid, ...attributes, firstSeenAt: seenAt })
            .onConflictDoUpdate({ target: creators.uid, set: attributes });
          await db.insert(rankingEntries).values({
            snapshotId: snapshot.id,
            rank,
            creatorUid: creator.uid,
            saleProductCount: entry.saleProductCount,
            liveUnitsSold: entry.liveUnitsSold,
            liveGmv: entry.liveGmv,
            liveUsdGmv: entry.liveUsdGmv,
            currency: entry.currency,
            liveCount: entry.liveCount,
            followerCount: creator.followerCount,
            periodStart,
          });
          rows += 1;
          for (const live of entry.topLives) {
            const stream = {
              creatorUid: live.creatorUid,
              region: live.region,
              title: live.title,
              coverUrl: live.coverUrl,
              lastSeenAt: seenAt,
            };
            await db
              .insert(liveStreams)
              .values({ roomId: live.roomId, ...stream, firstSeenAt: seenAt })
              .onConflictDoUpdate({ target: liveStreams.roomId, set: stream });
            await db.insert(rankingTopLives).values({
              snapshotId: snapshot.id,
              rank,
              position: live.position,
              roomId: live.roomId,
              unitsSold: live.unitsSold,
              gmv: live.gmv,
              currency: live.currency,
              periodStart,
            });
            rows += 1;
          }
        }
      }
      await db
        .update(rankingSnapshots)
        .set({ total, entryCount: rank, loadedAt: sql`now()` })
        .where(eq(rankingSnapshots.id, snapshot.id));
    }
    return { durationMs: performance.now() - started, rows };
  } finally {
    await client.close();
    await pool.end();
  }
}
