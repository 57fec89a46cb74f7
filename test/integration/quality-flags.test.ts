import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RANKING_ROWS } from '../../src/domain/ranking.ts';
import { rankingTotal } from '../../src/simulator/data.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { rankingKey, SIM_TOKEN } from '../support/simulator.ts';

/*
 * US daily units_sold rankings of 2026-03-01..12. Simulated totals: 1042 753 1089 324 408 1197
 * 170 45 0 975 826 1177; 03-05's list is made to end after 170 of its 408 rows.
 */
const DAYS = Array.from(
  { length: 12 },
  (_, index) => `2026-03-${String(index + 1).padStart(2, '0')}`,
);
const SHORT_DAY = '2026-03-05';
const SHORT_ROWS = 170;

let simulator: Simulator;
let db: TestDatabase;

beforeAll(async () => {
  simulator = await startSimulator({
    quirks: (key) =>
      key.periodValue === SHORT_DAY && key.region === 'US'
        ? { listEndsAfter: SHORT_ROWS }
        : undefined,
  });
  db = await useTestDatabase();
});

afterAll(async () => {
  await simulator.close();
});

async function backfill(from: string, to: string): Promise<void> {
  const result = await runCli(
    [
      'backfill',
      '--from',
      from,
      '--to',
      to,
      '--periods',
      'day',
      '--regions',
      'US',
      '--orderby',
      'units_sold',
      '--json',
    ],
    {
      DATABASE_URL: db.url,
      FASTMOSS_BASE_URL: simulator.url,
      FASTMOSS_TOKEN: SIM_TOKEN,
      ETL_RPS: '200',
      ETL_CONCURRENCY: '8',
    },
  );
  expect(result.code).toBe(0);
}

interface Expected {
  day: string;
  total: number;
  entry_count: number;
  previous_entry_count: number | null;
  flags: string[];
}

/** The flags each day must carry, worked out from the simulator's totals alone. */
function expectedFlags(): Expected[] {
  let previous: number | null = null;
  return DAYS.map((day) => {
    const total = rankingTotal(rankingKey({ periodValue: day }));
    const served = Math.min(total, MAX_RANKING_ROWS);
    const entries = day === SHORT_DAY ? Math.min(served, SHORT_ROWS) : served;
    const flags: string[] = [];
    if (total > MAX_RANKING_ROWS) flags.push('truncated');
    if (entries < served) flags.push('short');
    if (previous !== null && entries * 2 < previous) flags.push('drop');
    const row = { day, total, entry_count: entries, previous_entry_count: previous, flags };
    previous = entries;
    return row;
  });
}

async function storedFlags(): Promise<Expected[]> {
  const { rows } = await db.pool.query<Expected>(
    `SELECT period_value AS day, total, entry_count, previous_entry_count, flags
       FROM fastmoss.ranking_snapshots ORDER BY period_value`,
  );
  return rows;
}

describe('quality flags', () => {
  it('raises truncated, short and drop with their figures on the data made to trigger them, and on nothing else', async () => {
    // The later days first: 03-07's drop (170 rows after 500) appears only once 03-06 arrives.
    await backfill('2026-03-07', '2026-03-12');
    const partial = await storedFlags();
    expect(partial.find((row) => row.day === '2026-03-07')).toMatchObject({
      previous_entry_count: null,
      flags: [],
    });
    await backfill('2026-03-01', '2026-03-06');

    const expected = expectedFlags();
    expect(await storedFlags()).toEqual(expected);
    // The window really exercises every flag, and leaves some snapshots unflagged.
    const raised = expected.flatMap((row) => row.flags);
    expect(new Set(raised)).toEqual(new Set(['truncated', 'short', 'drop']));
    expect(expected.filter((row) => row.flags.length === 0).map((row) => row.day)).toEqual([
      '2026-03-04',
    ]);
    expect(expected.find((row) => row.day === SHORT_DAY)).toEqual({
      day: SHORT_DAY,
      total: 408,
      entry_count: SHORT_ROWS,
      previous_entry_count: 324,
      flags: ['short'],
    });
  });

  it('status shows each flagged snapshot with its figures', async () => {
    const env = { DATABASE_URL: db.url };
    const json = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(json.flaggedTotal).toBe(11);
    expect(json.flagged).toContainEqual({
      ranking: 'US/pc=all/cc=all/day:2026-03-07/units_sold',
      flags: ['drop'],
      total: 170,
      entryCount: 170,
      previousEntryCount: 500,
    });
    const text = (await runCli(['status'], env)).stdout;
    expect(text).toContain('flagged snapshots: 11');
    expect(text).toContain(
      `  US/pc=all/cc=all/day:${SHORT_DAY}/units_sold: short (170 rows of total 408)`,
    );
    expect(text).toContain(
      '  US/pc=all/cc=all/day:2026-03-06/units_sold: truncated (500 rows of total 1197)',
    );
    expect(text).toContain(
      '  US/pc=all/cc=all/day:2026-03-07/units_sold: drop (170 rows, previous period 500)',
    );
  });
});
