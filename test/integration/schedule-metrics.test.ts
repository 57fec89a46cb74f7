import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHealth } from '../../src/commands/health.ts';
import { openRuntime, type Runtime, runPlans } from '../../src/commands/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { createPool } from '../../src/db/connect.ts';
import { findFreePort } from '../../src/db/embedded.ts';
import { PRIORITY } from '../../src/db/ledger.ts';
import { type MetricsServer, startMetricsServer } from '../../src/observe/http-server.ts';
import type { RunSummary } from '../../src/pipeline/load-rankings.ts';
import { planBackfill } from '../../src/plan/plan.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';

const TOKEN = 'metrics-test-token';
/** Two regions x two days x two order fields: 8 rankings. */
const SELECTION_ENV = { REGIONS: 'US,GB', PERIODS: 'day', ORDER_FIELDS: 'gmv,units_sold' };

/** The value of one sample line, `name{labels} value`, in the Prometheus text format. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The sum of every sample of a counter, whatever its labels. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function count(db: TestDatabase, table: string): Promise<number> {
  const result = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM fastmoss.${table}`,
  );
  return result.rows[0]?.n ?? -1;
}

describe('metrics and health after a real scheduled run', () => {
  let db: TestDatabase;
  let simulator: Simulator;
  let runtime: Runtime;
  let server: MetricsServer;
  let summary: RunSummary;

  beforeAll(async () => {
    db = await useTestDatabase();
    // Two server errors first: the run retries them, and the metrics must say so.
    simulator = await startSimulator({ token: TOKEN, faults: { script: ['5xx', '5xx'] } });
    const config = loadConfig({
      DATABASE_URL: db.url,
      FASTMOSS_BASE_URL: simulator.url,
      FASTMOSS_TOKEN: TOKEN,
      ETL_RPS: '200',
      ETL_CONCURRENCY: '4',
      LOG_LEVEL: 'silent',
      ...SELECTION_ENV,
    });
    runtime = await openRuntime(config, { api: true, migrate: false });
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry: runtime.metrics.registry,
      health: () => readHealth(runtime.db.pool),
    });
    summary = await runPlans(runtime, {
      trigger: 'scheduled',
      plans: [
        {
          planned: planBackfill(config.selection, '2026-04-01', '2026-04-02', new Date()),
          force: false,
        },
      ],
      priority: PRIORITY.scheduled,
      runOptions: { test: 'schedule-metrics' },
    });
  });

  afterAll(async () => {
    await server?.close();
    await runtime?.close();
    await simulator?.close();
  });

  it('loads every ranking of the run', async () => {
    expect(summary).toMatchObject({ status: 'succeeded', selected: 8, succeeded: 8, failed: 0 });
    expect(await count(db, 'ranking_snapshots')).toBe(8);
  });

  it('counts at /metrics the requests the simulator answered and the rankings loaded', async () => {
    const response = await fetch(`${server.url}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);

    expect(sample(text, 'fastmoss_requests_total{outcome="ok"}')).toBe(
      simulator.counters.byOutcome.ok,
    );
    expect(sample(text, 'fastmoss_requests_total{outcome="transient"}')).toBe(2);
    expect(total(text, 'fastmoss_requests_total')).toBe(simulator.counters.total);
    expect(total(text, 'fastmoss_retries_total')).toBe(2);
    expect(sample(text, 'fastmoss_retries_total{reason="server_error"}')).toBe(2);

    expect(sample(text, 'etl_rankings_total{status="loaded"}')).toBe(summary.succeeded);
    expect(sample(text, 'etl_rankings_total{status="loaded"}')).toBe(
      await count(db, 'ranking_snapshots'),
    );
    expect(sample(text, 'etl_rows_written_total{table="ranking_entries"}')).toBe(
      await count(db, 'ranking_entries'),
    );
    expect(sample(text, 'etl_ranking_duration_seconds_count{status="loaded"}')).toBe(8);
  });

  it('answers /healthz 200 with the database reachable and the cycle just finished', async () => {
    const response = await fetch(`${server.url}/healthz`);
    const health = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(health).toMatchObject({ ok: true, database: true });
    expect(health.lastGoodCycleAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(health.lastGoodCycleAgeSeconds).toBeLessThan(60);
  });

  it('answers /healthz 503 with database false when Postgres cannot be reached', async () => {
    const unreachable = createPool(
      `postgres://postgres:postgres@127.0.0.1:${await findFreePort()}/postgres`,
      { max: 1 },
    );
    const down = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry: runtime.metrics.registry,
      health: () => readHealth(unreachable),
    });
    try {
      const response = await fetch(`${down.url}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        ok: false,
        database: false,
        lastGoodCycleAgeSeconds: null,
      });
    } finally {
      await down.close();
      await unreachable.end();
    }
  });
});
