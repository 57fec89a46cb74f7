import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RankingKey } from '../../src/domain/ranking.ts';
import { type RankingQuirk, type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { creatorFirstsDrift, warehouseChecksum } from '../support/warehouse-checksum.ts';

/*
 * ranking_creator_firsts (migration 0019) through every path that writes entries: a load, a
 * --force reload that drops creators from a week, a rebuild from the archive, a snapshot deleted
 * by hand. After each, the table equals a from-scratch computation over the entries
 * (creatorFirstsDrift); warehouseChecksum, which the crash, fault and concurrency tests compare,
 * checks the same.
 */

const TOKEN = 'creator-firsts-token';
/** 2 regions x 4 weeks x 2 order fields = 16 rankings of up to 500 creators. */
const RANGE = ['--from', '2026-03-02', '--to', '2026-03-29', '--periods', 'week'];
const REGIONS = ['--regions', 'US,GB'];
const FIRST_WEEK = '2026-03-02';
/** Its period value: ISO week 10 of 2026. */
const FIRST_WEEK_VALUE = '2026-10';
/** The first week of US by GMV, cut to this many rows while `cutFirstWeek` is set. */
const CUT_TO = 50;

let simulator: Simulator;
let db: TestDatabase;
let cutFirstWeek = false;

function quirks(key: RankingKey): RankingQuirk | undefined {
  const firstUsGmvWeek =
    key.region === 'US' &&
    key.orderField === 'gmv' &&
    key.periodType === 'week' &&
    key.productCategoryId === null &&
    key.creatorCategoryId === null &&
    key.periodValue === FIRST_WEEK_VALUE;
  return cutFirstWeek && firstUsGmvWeek ? { listEndsAfter: CUT_TO } : undefined;
}

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN, quirks });
  db = await useTestDatabase();
});

afterAll(async () => {
  await simulator.close();
});

function env(): Record<string, string> {
  return runEnv(db.url, simulator.url, TOKEN);
}

interface FirstsRow {
  creator_uid: string;
  region: string;
  order_field: string;
  first_period_start: string;
  first_top_100_start: string | null;
}

async function firsts(): Promise<FirstsRow[]> {
  const { rows } = await db.pool.query<FirstsRow>(
    `SELECT creator_uid::text, region, order_field, first_period_start::text,
            first_top_100_start::text
       FROM fastmoss.ranking_creator_firsts
      WHERE period_type = 'week' AND product_category_id IS NULL AND creator_category_id IS NULL
      ORDER BY creator_uid, region, order_field`,
  );
  return rows;
}

/** US-by-GMV firsts of the creators the first week lists at ranks `from`..`to`. */
async function firstsOfFirstWeekRanks(from: number, to: number): Promise<FirstsRow[]> {
  const { rows } = await db.pool.query<{ creator_uid: string }>(
    `SELECT e.creator_uid::text FROM fastmoss.ranking_entries e
       JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id AND s.period_start = e.period_start
      WHERE s.region = 'US' AND s.order_field = 'gmv' AND s.period_type = 'week'
        AND s.period_start = $1 AND e.rank BETWEEN $2 AND $3`,
    [FIRST_WEEK, from, to],
  );
  const uids = new Set(rows.map((row) => row.creator_uid));
  return (await firsts()).filter(
    (row) => uids.has(row.creator_uid) && row.region === 'US' && row.order_field === 'gmv',
  );
}

async function expectNoDrift(): Promise<void> {
  expect(await creatorFirstsDrift(db.pool)).toEqual({ stored: [], expected: [] });
}

async function backfill(...extra: string[]): Promise<void> {
  const result = await runCli(['backfill', ...RANGE, ...REGIONS, ...extra, '--json'], env());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

describe('ranking_creator_firsts', () => {
  let loaded: FirstsRow[] = [];

  it('after a backfill holds each creator first week and first top-100 week per series', async () => {
    await backfill();
    await expectNoDrift();
    loaded = await firsts();
    const { rows } = await db.pool.query<{ pairs: number }>(
      `SELECT count(*)::int AS pairs FROM (
         SELECT DISTINCT s.region, s.order_field, e.creator_uid
           FROM fastmoss.ranking_entries e JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id
          WHERE s.period_type = 'week') p`,
    );
    expect(loaded.length).toBe(rows[0]?.pairs);
    // Listed at once and in the top from the first week, listed but never in the top, and
    // in the top only a later week than first listed: all three occur.
    expect(loaded.some((r) => r.first_top_100_start === r.first_period_start)).toBe(true);
    expect(loaded.some((r) => r.first_top_100_start === null)).toBe(true);
    expect(
      loaded.some(
        (r) => r.first_top_100_start !== null && r.first_top_100_start > r.first_period_start,
      ),
    ).toBe(true);
  });

  it('a --force reload that drops creators from a week moves their firsts later, or deletes them', async () => {
    const dropped = (await firstsOfFirstWeekRanks(CUT_TO + 1, 500)).filter(
      (r) => r.first_period_start === FIRST_WEEK || r.first_top_100_start === FIRST_WEEK,
    );
    expect(dropped.length).toBeGreaterThan(0);
    cutFirstWeek = true;
    try {
      await backfill('--force', '--to', '2026-03-08');
    } finally {
      cutFirstWeek = false;
    }
    await expectNoDrift();
    const now = new Map(
      (await firsts()).map((r) => [`${r.creator_uid}/${r.region}/${r.order_field}`, r]),
    );
    let moved = 0;
    for (const before of dropped) {
      const after = now.get(`${before.creator_uid}/US/gmv`);
      // No longer listed in the first week: a later first, or no row when no later week lists them.
      if (after) {
        expect(
          after.first_period_start > FIRST_WEEK || before.first_period_start !== FIRST_WEEK,
        ).toBe(true);
        expect(after.first_top_100_start === null || after.first_top_100_start > FIRST_WEEK).toBe(
          true,
        );
        moved += 1;
      }
    }
    expect(moved).toBeGreaterThan(0);
    // The first week's remaining creators (ranks 1..50) keep it as their first top-100 week.
    for (const kept of await firstsOfFirstWeekRanks(1, CUT_TO)) {
      expect(kept.first_top_100_start).toBe(FIRST_WEEK);
    }
  });

  it('reloading the full week again gives back the firsts of the first load', async () => {
    await backfill('--force', '--to', '2026-03-08');
    await expectNoDrift();
    expect(await firsts()).toEqual(loaded);
  });

  it('a rebuild from the archive after the warehouse rows are emptied gives the same firsts', async () => {
    const reference = await warehouseChecksum(db.pool);
    // TRUNCATE creators CASCADE empties ranking_creator_firsts too (its key on creators).
    await db.pool.query(`TRUNCATE fastmoss.ranking_top_lives, fastmoss.ranking_entries,
      fastmoss.ranking_snapshots, fastmoss.creators, fastmoss.live_streams,
      fastmoss.creator_categories, fastmoss.product_categories CASCADE`);
    expect(await firsts()).toEqual([]);
    simulator.reset();
    const result = await runCli(['rebuild', '--json'], env());
    expect(result.code).toBe(0);
    expect(simulator.counters.total).toBe(0);
    expect(await warehouseChecksum(db.pool)).toEqual(reference);
    expect(await firsts()).toEqual(loaded);
  });

  it('a rebuild over the loaded rankings (each replaced in place) keeps the firsts', async () => {
    const result = await runCli(['rebuild', '--json'], env());
    expect(result.code).toBe(0);
    await expectNoDrift();
    expect(await firsts()).toEqual(loaded);
  });

  it('deleting a week by hand moves the firsts that were that week to the next one listing them', async () => {
    const inFirstWeek = (await firstsOfFirstWeekRanks(1, 500)).filter(
      (r) => r.first_period_start === FIRST_WEEK,
    );
    expect(inFirstWeek.length).toBeGreaterThan(0);
    await db.pool.query(
      `DELETE FROM fastmoss.ranking_snapshots WHERE period_type = 'week' AND period_start = $1`,
      [FIRST_WEEK],
    );
    await expectNoDrift();
    const rows = await firsts();
    expect(rows.some((r) => r.first_period_start === FIRST_WEEK)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });
});
