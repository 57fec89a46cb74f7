import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SELECTION, demoWeek } from '../../src/commands/demo-plan.ts';
import { type CliResult, runCli } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';

/** 3 regions x (all + 2 product categories) x 2 order fields. */
const RANKINGS_PER_PERIOD = 18;

describe('fastmoss-etl demo', () => {
  let db: TestDatabase;
  let result: CliResult;

  beforeAll(async () => {
    db = await useTestDatabase();
    // The demo brings its own simulator: no FastMoss URL or token is given.
    result = await runCli(['demo'], { DATABASE_URL: db.url });
    // A limit for a hung demo, not a speed check: it takes about a minute on 2 busy cores.
  }, 180_000);

  it('exits 0 after loading every ranking of the demo week', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rankings: 162 selected, 0 already loaded, 162 loaded, 0 failed/);
  });

  it('loads the seven days, the ISO week and its month for each ranking key', async () => {
    const week = demoWeek(new Date());
    const { rows } = await db.pool.query<{ period_type: string; periods: string[]; n: number }>(
      `SELECT period_type, array_agg(DISTINCT period_value ORDER BY period_value) AS periods,
              count(*)::int AS n
       FROM fastmoss.ranking_snapshots GROUP BY period_type ORDER BY period_type`,
    );
    const days = Array.from({ length: 7 }, (_, offset) => {
      const day = new Date(`${week.from}T00:00:00Z`);
      day.setUTCDate(day.getUTCDate() + offset);
      return day.toISOString().slice(0, 10);
    });
    expect(rows).toEqual([
      { period_type: 'day', periods: days, n: 7 * RANKINGS_PER_PERIOD },
      { period_type: 'month', periods: [week.month], n: RANKINGS_PER_PERIOD },
      { period_type: 'week', periods: [week.week], n: RANKINGS_PER_PERIOD },
    ]);
    const runs = await db.pool.query<{ trigger: string; status: string }>(
      'SELECT trigger, status FROM fastmoss.etl_runs',
    );
    expect(runs.rows).toEqual([{ trigger: 'demo', status: 'succeeded' }]);
  });

  it('prints the three answers, naming each region’s no. 1 of the week from the database', async () => {
    expect(result.stdout).toContain('1. Who sold the most this week?');
    expect(result.stdout).toContain('2. How did one creator rank day by day?');
    expect(result.stdout).toContain('3. Regions side by side');
    const { rows } = await db.pool.query<{ region: string; creator: string }>(
      `SELECT region, creator_unique_id AS creator FROM fastmoss.v_rankings
       WHERE period_type = 'week' AND order_field = 'gmv' AND rank = 1
         AND product_category_id IS NULL AND creator_category_id IS NULL`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { region, creator } of rows) {
      expect(result.stdout).toMatch(new RegExp(`^${region} +1 +@${creator} `, 'm'));
    }
    // Section 3 has one line per demo region, the empty ones included.
    for (const region of DEMO_SELECTION.regions) {
      expect(result.stdout).toMatch(new RegExp(`^${region} +\\d+ `, 'm'));
    }
  });

  it('follows the creator of answer 2 through each day of the week', async () => {
    const heading = /@(\S+) \((\w\w), uid (\d+)\)/.exec(result.stdout);
    expect(heading).not.toBeNull();
    const [, , region, uid] = heading ?? [];
    const { rows } = await db.pool.query<{ period_value: string; gmv_rank: number | null }>(
      `SELECT period_value, gmv_rank FROM fastmoss.v_creator_history
       WHERE creator_uid = $1::bigint AND region = $2 AND period_type = 'day'
       ORDER BY period_value`,
      [uid, region],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { period_value, gmv_rank } of rows) {
      expect(result.stdout).toMatch(new RegExp(`^${period_value} +${gmv_rank ?? '-'} `, 'm'));
    }
  });

  it('says where the data went without printing a password', () => {
    const password = new URL(db.url).password;
    expect(result.stdout).toContain('Data loaded into DATABASE_URL');
    if (password) expect(result.stdout).not.toContain(`:${password}@`);
  });
});
