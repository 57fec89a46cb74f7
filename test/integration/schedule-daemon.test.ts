import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/commands/runtime.ts';
import { runScheduledCycle } from '../../src/commands/scheduled-cycle.ts';
import { loadConfig } from '../../src/config.ts';
import { findFreePort } from '../../src/db/embedded.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { startCli } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';

const TOKEN = 'schedule-test-token';
let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
});
afterAll(async () => {
  await simulator.close();
});

function environment(db: TestDatabase): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    FASTMOSS_BASE_URL: simulator.url,
    FASTMOSS_TOKEN: TOKEN,
    ETL_RPS: '100',
    REGIONS: 'US',
    ORDER_FIELDS: 'gmv',
    LOOKBACK_DAYS: '1',
  };
}

describe('scheduled cycles', () => {
  it('a slot already run by another scheduler is not loaded again', async () => {
    const db = await useTestDatabase();
    const config = loadConfig({ ...environment(db), PERIODS: 'day' });
    const runtime = await openRuntime(config, { api: true, migrate: false });
    try {
      const firedAt = new Date('2026-04-10T02:30:00Z');
      simulator.reset();
      const first = await runScheduledCycle(runtime, 'daily', firedAt);
      // Yesterday and one day before it, one region, one order field.
      expect(first).toMatchObject({ status: 'succeeded', selected: 2, succeeded: 2 });
      const calls = simulator.counters.total;
      expect(calls).toBeGreaterThan(0);
      const second = await runScheduledCycle(runtime, 'daily', firedAt);
      expect(second).toBeUndefined();
      expect(simulator.counters.total).toBe(calls);
      const days = await db.pool.query<{ period_value: string }>(
        'SELECT period_value FROM fastmoss.ranking_snapshots ORDER BY period_value',
      );
      expect(days.rows.map((row) => row.period_value)).toEqual(['2026-04-08', '2026-04-09']);
    } finally {
      await runtime.close();
    }
  });

  it('the daemon catches up on start, serves /metrics and /healthz, and stops on SIGTERM', async () => {
    const db = await useTestDatabase();
    const port = await findFreePort();
    const { child, done } = startCli(['schedule'], {
      ...environment(db),
      PERIODS: 'day',
      METRICS_PORT: String(port),
    });
    try {
      // The catch-up loads yesterday and the day before for US/gmv: two rankings.
      let loaded = 0;
      for (let tries = 0; tries < 150 && loaded < 2; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const result = await db.pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM fastmoss.ranking_snapshots',
        );
        loaded = Number(result.rows[0]?.n);
      }
      expect(loaded).toBe(2);
      let metrics = '';
      for (
        let tries = 0;
        tries < 50 && !metrics.includes('etl_rankings_total{status="loaded"} 2');
        tries++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      }
      expect(metrics).toContain('etl_rankings_total{status="loaded"} 2');
      expect(metrics).toMatch(/fastmoss_requests_total\{outcome="ok"\} [1-9]/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, database: true });
    } finally {
      child.kill('SIGTERM');
    }
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    const running = await db.pool.query("SELECT 1 FROM fastmoss.etl_jobs WHERE status = 'running'");
    expect(running.rowCount).toBe(0);
  });
});

/** The value of one sample line, `name{labels} value`, in the Prometheus text format. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('a restarted scheduler', () => {
  it('after its start-up catch-up, /metrics reports the good cycle /healthz reports and counts what it skipped', async () => {
    const db = await useTestDatabase();
    const env = { ...environment(db), PERIODS: 'day' };

    /** Starts the daemon, waits for its catch-up run, reads /metrics and /healthz, stops it. */
    async function startAndScrape() {
      const port = await findFreePort();
      const { child, done } = startCli(['schedule'], { ...env, METRICS_PORT: String(port) });
      let metrics = '';
      try {
        for (let tries = 0; tries < 300 && !metrics.includes('etl_runs_total{'); tries++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
            .then((response) => response.text())
            .catch(() => '');
        }
        const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
          lastGoodCycleAgeSeconds: number | null;
        };
        return { metrics, health, scrapedAt: Date.now() / 1000 };
      } finally {
        child.kill('SIGTERM');
        expect((await done).code).toBe(0);
      }
    }

    const first = await startAndScrape();
    expect(sample(first.metrics, 'etl_rankings_total{status="loaded"}')).toBe(2);
    expect(
      sample(first.metrics, 'etl_runs_total{trigger="scheduled",status="succeeded",reason="none"}'),
    ).toBe(1);

    const second = await startAndScrape();
    expect(sample(second.metrics, 'etl_rankings_total{status="loaded"}')).toBe(0);
    expect(sample(second.metrics, 'etl_rankings_total{status="skipped"}')).toBe(2);
    for (const { metrics, health, scrapedAt } of [first, second]) {
      const lastGood = sample(metrics, 'etl_last_good_cycle_timestamp_seconds') ?? 0;
      expect(lastGood).toBeGreaterThan(0);
      expect(health.lastGoodCycleAgeSeconds).not.toBeNull();
      // The gauge and /healthz name the same cycle: the catch-up just run.
      expect(Math.abs(scrapedAt - lastGood - (health.lastGoodCycleAgeSeconds ?? 0))).toBeLessThan(
        5,
      );
    }
  }, 120_000);
});
