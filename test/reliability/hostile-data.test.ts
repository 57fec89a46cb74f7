import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';
import {
  backfillArgs,
  halfWrittenSnapshots,
  observerPool,
  RELIABILITY_TOKEN,
  recordFigures,
  reliabilityEnv,
} from '../support/reliability-harness.ts';
import {
  type HostileScenario,
  type HostileServer,
  hostileUid,
  pagesOf,
  raw,
  startHostileServer,
  validRows,
  withCreator,
  withoutCreatorField,
} from '../support/reliability-hostile-server.ts';

const LONG = 20_000;
const SHOUTY = 'Ni\u0000ck 🎉 直播带货 한국어 — ñ';
const INJECTION = "Robert'); DROP TABLE fastmoss.ranking_entries; --";
const QUOTED_REGION = "US' OR '1'='1";

/** Day N of January 2026 carries scenario N. */
const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}`;

const SCENARIOS: HostileScenario[] = [
  {
    day: day(1),
    name: 'NUL bytes, emoji and CJK in text',
    verdict: 'accepted',
    page: pagesOf(1, 3, (row) => ({
      ...withCreator(row, { nickname: SHOUTY }),
      currency: 'U\u0000SD',
    })),
  },
  {
    day: day(2),
    name: '20,000-character strings',
    verdict: 'accepted',
    page: pagesOf(2, 2, (row) =>
      withCreator(row, { nickname: '長'.repeat(LONG), avatar: `https://${'a'.repeat(LONG)}` }),
    ),
  },
  {
    day: day(3),
    name: 'nulls and missing optional fields',
    verdict: 'accepted',
    page: pagesOf(3, 2, (row) => {
      // Every optional field of the row left out, every optional creator field null.
      const { sale_product_count, live_usd_gmv, currency, live_count, ...kept } = withCreator(row, {
        nickname: null,
        avatar: null,
        region: null,
        category: null,
        follower_count: null,
      });
      return { ...kept, live_gmv: null, top_live: null };
    }),
  },
  {
    day: day(4),
    name: 'extra fields everywhere',
    verdict: 'accepted',
    page: pagesOf(4, 2, (row) => ({
      ...withCreator(row, { verified: true, badges: ['top'] }),
      rank_change: 3,
      ad_flag: { sponsored: false },
    })),
  },
  {
    day: day(5),
    name: 'numbers as numeric strings',
    verdict: 'accepted',
    page: pagesOf(5, 2, (row, rank) => ({
      ...withCreator(row, { uid: hostileUid(5, rank), follower_count: '12345' }),
      live_units_sold: String(90_000 - rank),
      live_gmv: '1234.56',
    })),
  },
  {
    day: day(6),
    name: 'absurd but representable numbers',
    verdict: 'accepted',
    page: pagesOf(6, 1, (row) => ({
      ...withCreator(row, { follower_count: raw('9007199254740991') }),
      live_units_sold: raw('9007199254740991'),
      live_gmv: raw('123456789012345678901234567890.123456789'),
    })),
  },
  {
    day: day(7),
    name: 'negative units sold',
    verdict: 'invalid',
    field: 'data.list[0].live_units_sold: expected a non-negative integer',
    page: pagesOf(7, 2, (row, rank) => (rank === 1 ? { ...row, live_units_sold: -5 } : row)),
  },
  {
    day: day(8),
    name: 'negative GMV',
    verdict: 'accepted',
    page: pagesOf(8, 1, (row) => ({ ...row, live_gmv: raw('-12.50') })),
  },
  {
    day: day(9),
    name: 'units sold beyond 2^53',
    verdict: 'invalid',
    field: 'data.list[0].live_units_sold: expected a non-negative integer',
    page: pagesOf(9, 1, (row) => ({ ...row, live_units_sold: raw('100000000000000000000') })),
  },
  {
    day: day(10),
    name: 'a missing required field',
    verdict: 'invalid',
    field: 'data.list[1].creator.unique_id: expected a string',
    page: pagesOf(10, 3, (row, rank) => (rank === 2 ? withoutCreatorField(row, 'unique_id') : row)),
  },
  {
    day: day(11),
    name: 'a page longer than pagesize',
    verdict: 'invalid',
    field: 'data.list has 101 rows, expected 100',
    page: (page) =>
      page === 1 ? { total: 150, rows: validRows(11, 1, 101) } : pagesOf(11, 150)(page),
  },
  {
    day: day(12),
    name: 'total over 500',
    verdict: 'accepted',
    page: (page) => ({ ...pagesOf(12, 500)(page), total: 1234 }),
  },
  {
    day: day(13),
    name: 'total changing between pages',
    verdict: 'invalid',
    field: 'data.total is 260 but page 1 said 250',
    page: (page) => ({ ...pagesOf(13, 250)(page), total: page === 1 ? 250 : 260 }),
  },
  {
    day: day(14),
    name: 'a creator on two pages',
    verdict: 'invalid',
    field: `data.list[19].creator.uid ${hostileUid(14, 5)} already ranked at 5`,
    page: pagesOf(14, 150, (row, rank) =>
      rank === 120 ? withCreator(row, { uid: raw(hostileUid(14, 5)) }) : row,
    ),
  },
  {
    day: day(15),
    name: 'quotes and SQL in region, names and labels',
    verdict: 'accepted',
    page: pagesOf(15, 2, (row) => ({
      ...withCreator(row, {
        nickname: INJECTION,
        region: QUOTED_REGION,
        category: { id: 4, name: `O'Reilly "Beauty"` },
      }),
      currency: "'; --",
    })),
  },
  {
    day: day(16),
    name: 'a creator uid rounded to a float',
    verdict: 'invalid',
    field: 'data.list[0].creator.uid: expected an integer id',
    page: pagesOf(16, 1, (row) => withCreator(row, { uid: raw('7.291972001835992e18') })),
  },
];

const RANGE = { from: day(1), to: day(SCENARIOS.length), periods: 'day', regions: 'US' };

const db = await useTestDatabase();
let server: HostileServer;
let observer: pg.Pool;

beforeAll(async () => {
  server = await startHostileServer(SCENARIOS, RELIABILITY_TOKEN);
  observer = observerPool(db.url);
});

afterAll(async () => {
  await observer.end();
  await server.close();
});

async function entriesOf(n: number) {
  const result = await observer.query<{
    rank: number;
    nickname: string;
    avatar_url: string | null;
    region: string | null;
    creator_category_id: number | null;
    creator_follower_count: string | null;
    live_units_sold: string | null;
    live_gmv: string | null;
    currency: string | null;
    top_lives: string;
    total: number;
  }>(
    `SELECT e.rank, c.nickname, c.avatar_url, c.region, c.creator_category_id,
            c.follower_count AS creator_follower_count, e.live_units_sold, e.live_gmv, e.currency,
            (SELECT count(*) FROM fastmoss.ranking_top_lives t
              WHERE t.snapshot_id = s.id AND t.rank = e.rank) AS top_lives, s.total
     FROM fastmoss.ranking_snapshots s
     JOIN fastmoss.ranking_entries e ON e.snapshot_id = s.id
     JOIN fastmoss.creators c ON c.uid = e.creator_uid
     WHERE s.period_value = $1 ORDER BY e.rank`,
    [day(n)],
  );
  return result.rows;
}

describe('hostile data', () => {
  it('valid rankings land as sent (NUL dropped); each invalid one fails naming its field; the rest loads', async () => {
    const orderOnly = { ...RANGE, orderby: 'units_sold' };
    const result = await runCli(
      [...backfillArgs(orderOnly), '--json'],
      reliabilityEnv(db.url, server.url, { ETL_MAX_ATTEMPTS: '2' }),
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as {
      succeeded: number;
      failed: number;
      failures: { ranking: string; reason: string }[];
    };
    const accepted = SCENARIOS.filter((scenario) => scenario.verdict === 'accepted');
    const invalid = SCENARIOS.filter((scenario) => scenario.verdict === 'invalid');
    expect(summary).toMatchObject({ succeeded: accepted.length, failed: invalid.length });
    for (const scenario of invalid) {
      const failure = summary.failures.find((f) => f.ranking.includes(`day:${scenario.day}/`));
      expect(failure?.reason, scenario.name).toContain('FASTMOSS_INVALID_RESPONSE');
      expect(failure?.reason, scenario.name).toContain(scenario.field);
      expect(await entriesOf(SCENARIOS.indexOf(scenario) + 1), scenario.name).toEqual([]);
    }
    expect(await halfWrittenSnapshots(observer)).toEqual([]);

    const text = await entriesOf(1);
    expect(text.map((row) => row.nickname)).toEqual(Array(3).fill('Nick 🎉 直播带货 한국어 — ñ'));
    expect(text.map((row) => row.currency)).toEqual(['USD', 'USD', 'USD']);

    const long = await entriesOf(2);
    expect(long.map((row) => row.nickname.length)).toEqual([LONG, LONG]);
    expect(long[0]?.nickname).toBe('長'.repeat(LONG));
    expect(long[0]?.avatar_url).toHaveLength(LONG + 'https://'.length);

    expect(await entriesOf(3)).toEqual([
      expect.objectContaining({
        rank: 1,
        nickname: '',
        avatar_url: null,
        region: null,
        creator_category_id: null,
        creator_follower_count: null,
        live_units_sold: '99999',
        live_gmv: null,
        currency: null,
        top_lives: '0',
      }),
      expect.objectContaining({ rank: 2, nickname: '', live_units_sold: '99998' }),
    ]);

    expect(await entriesOf(4)).toEqual([
      expect.objectContaining({ rank: 1, nickname: 'Creator 1', top_lives: '1' }),
      expect.objectContaining({ rank: 2, nickname: 'Creator 2', top_lives: '1' }),
    ]);

    expect(await entriesOf(5)).toEqual([
      expect.objectContaining({ live_units_sold: '89999', live_gmv: '1234.56' }),
      expect.objectContaining({ live_units_sold: '89998', creator_follower_count: '12345' }),
    ]);

    expect(await entriesOf(6)).toEqual([
      expect.objectContaining({
        live_units_sold: '9007199254740991',
        creator_follower_count: '9007199254740991',
        live_gmv: '123456789012345678901234567890.123456789',
      }),
    ]);

    expect(await entriesOf(8)).toEqual([expect.objectContaining({ live_gmv: '-12.50' })]);

    const capped = await entriesOf(12);
    expect(capped).toHaveLength(500);
    expect(capped[0]?.total).toBe(1234);

    const quoted = await entriesOf(15);
    expect(quoted.map((row) => [row.nickname, row.region, row.currency])).toEqual([
      [INJECTION, QUOTED_REGION, "'; --"],
      [INJECTION, QUOTED_REGION, "'; --"],
    ]);
    const category = await observer.query('SELECT name FROM fastmoss.creator_categories');
    expect(category.rows).toEqual([{ name: `O'Reilly "Beauty"` }]);

    recordFigures('hostile-data', {
      scenarios: SCENARIOS.length,
      accepted: accepted.map((scenario) => scenario.name).join('; '),
      invalid: invalid.map((scenario) => scenario.name).join('; '),
      requests: server.requests,
      result: 'as documented',
    });
  }, 60_000);
});
