import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedPostgresServer,
  findFreePort,
  startEmbeddedPostgres,
} from '../../src/db/embedded.ts';
import { rankingKeyLabel } from '../../src/domain/ranking.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { type CliResult, runCli, startCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';
import {
  type BackfillRange,
  backfillArgs,
  type CleanLoad,
  cleanLoad,
  emptyWarehouse,
  halfWrittenSnapshots,
  jobStatusCounts,
  loadedLabels,
  minimumCalls,
  observerPool,
  plannedRankings,
  RELIABILITY_TOKEN,
  recordFigures,
  reliabilityEnv,
  SOAK,
  waitForEtlConnectionsGone,
} from '../support/reliability-harness.ts';
import { warehouseChecksum } from '../support/warehouse-checksum.ts';

const RANGE: BackfillRange = SOAK
  ? { from: '2026-01-01', to: '2026-01-31', periods: 'day,week', regions: 'US,GB,DE' }
  : { from: '2026-03-10', to: '2026-03-15', periods: 'day', regions: 'US,GB' };
const SETTINGS = { ETL_RPS: SOAK ? '60' : '30', ETL_CONCURRENCY: '2' };
const KILL_EVERY_MS = 300;

const db = await useTestDatabase();
let simulator: Simulator;
let observer: pg.Pool;
let clean: CleanLoad;

beforeAll(async () => {
  simulator = await startSimulator({ token: RELIABILITY_TOKEN });
  observer = observerPool(db.url);
  clean = await cleanLoad(
    observer,
    backfillArgs(RANGE),
    reliabilityEnv(db.url, simulator.url, SETTINGS),
  );
});

afterAll(async () => {
  await observer.end();
  await simulator.close();
});

/** What a faulty run left behind, before the rerun: its ledger and its last words. */
async function aftermath(pool: pg.Pool, faulty: CliResult) {
  const runs = await pool.query<{ status: string }>('SELECT status FROM fastmoss.etl_runs');
  const jobs = await jobStatusCounts(pool);
  return {
    faultyRunExit: faulty.code ?? String(faulty.signal),
    faultyRunError:
      faulty.stderr
        .split('\n')
        .find((line) => line.startsWith('fastmoss-etl:'))
        ?.slice(0, 120) ?? 'none',
    faultyRunCrashed: faulty.stderr.includes("Unhandled 'error' event"),
    rankingsFailed: jobs.failed ?? 0,
    jobsLeftRunning: jobs.running ?? 0,
    runsLeftRunning: runs.rows.filter((row) => row.status === 'running').length,
  };
}

/** Reruns the backfill, without faults, until it exits 0 (bounded): what an operator would do. */
async function rerunUntilLoaded(
  env: Record<string, string>,
): Promise<{ reruns: number; last: CliResult }> {
  for (let reruns = 1; ; reruns += 1) {
    const last = await runCli([...backfillArgs(RANGE), '--json'], env);
    if (last.code === 0 || reruns === 3) return { reruns, last };
  }
}

describe('connections killed with pg_terminate_backend', () => {
  it(`every ${KILL_EVERY_MS} ms during a backfill: nothing half written, and the rerun equals the clean warehouse`, async () => {
    await emptyWarehouse(observer);
    const killer = observerPool(db.url, 'reliability-killer');
    const env = reliabilityEnv(db.url, simulator.url, SETTINGS);
    let terminated = 0;
    let ticks = 0;
    const halfWrittenSeen: string[] = [];
    const { done } = startCli([...backfillArgs(RANGE), '--json'], env);
    let running = true;
    const killing = (async () => {
      while (running) {
        await new Promise((resolve) => setTimeout(resolve, KILL_EVERY_MS));
        const killed = await killer.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND application_name LIKE 'fastmoss-etl%'
             AND pg_terminate_backend(pid)`,
        );
        terminated += killed.rowCount ?? 0;
        ticks += 1;
        // Readers must never see a ranking half written, not even while loads are failing.
        halfWrittenSeen.push(...(await halfWrittenSnapshots(observer)));
      }
    })();
    const faulty = await done;
    running = false;
    await killing;
    await killer.end();
    await waitForEtlConnectionsGone(observer);

    expect(halfWrittenSeen).toEqual([]);
    expect(await halfWrittenSnapshots(observer)).toEqual([]);
    expect(terminated).toBeGreaterThan(0);
    const planned = plannedRankings(RANGE);
    const loaded = await loadedLabels(observer);
    const missing = planned.filter(({ key }) => !loaded.has(rankingKeyLabel(key)));
    // The faulty run cannot have succeeded while rankings are missing.
    if (missing.length > 0) expect(faulty.code).not.toBe(0);
    const left = await aftermath(observer, faulty);
    expect(left.faultyRunCrashed, faulty.stderr.slice(-1500)).toBe(false);

    simulator.reset();
    const { reruns, last } = await rerunUntilLoaded(env);
    expect(last.code, last.stderr).toBe(0);
    expect(reruns).toBe(1);
    expect(simulator.counters.total).toBe(minimumCalls(missing.map(({ key }) => key)));
    expect(await warehouseChecksum(observer)).toEqual(clean.checksum);
    expect(await jobStatusCounts(observer)).toEqual({ succeeded: planned.length });
    recordFigures('pg-terminate-backend', {
      rankings: planned.length,
      killerTicks: ticks,
      backendsTerminated: terminated,
      ...left,
      loadedByFaultyRun: loaded.size,
      reruns,
      result: 'equal to clean',
    });
  }, 120_000);
});

describe('Postgres restarted mid-run', () => {
  let root: string;
  let port: number;
  let server: EmbeddedPostgresServer | undefined;

  const start = async (): Promise<EmbeddedPostgresServer> => {
    const dataDir = path.join(root, 'pgdata');
    return startEmbeddedPostgres({ dataDir, port, persistent: true });
  };

  beforeAll(async () => {
    // The shared test server serves other files in parallel: this test restarts its own.
    root = await mkdtemp(path.join(tmpdir(), 'fastmoss-etl-restart-'));
    await chmod(root, 0o755);
    port = await findFreePort();
    server = await start();
  });

  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('stopped and started again on the same port: nothing half written, and the rerun equals the clean warehouse', async () => {
    if (server === undefined) throw new Error('the dedicated Postgres did not start');
    const url = server.url;
    const env = reliabilityEnv(url, simulator.url, SETTINGS);
    const pool = observerPool(url);
    try {
      const { done } = startCli([...backfillArgs(RANGE), '--json'], env);
      // Restart once part of the range is loaded (the run migrates the new cluster first).
      let loadedBefore = 0;
      for (let waited = 0; loadedBefore < 3 && waited < 30_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        loadedBefore = await pool
          .query<{ n: string }>('SELECT count(*) AS n FROM fastmoss.ranking_snapshots')
          .then((result) => Number(result.rows[0]?.n))
          .catch(() => 0);
      }
      const stoppedAt = performance.now();
      await server.stop();
      server = undefined;
      await new Promise((resolve) => setTimeout(resolve, 500));
      server = await start();
      const downMs = Math.round(performance.now() - stoppedAt);
      const faulty = await done;

      expect(await halfWrittenSnapshots(pool)).toEqual([]);
      const planned = plannedRankings(RANGE);
      const loaded = await loadedLabels(pool);
      const missing = planned.filter(({ key }) => !loaded.has(rankingKeyLabel(key)));
      if (missing.length > 0) expect(faulty.code).not.toBe(0);
      const left = await aftermath(pool, faulty);
      expect(left.faultyRunCrashed).toBe(false);

      simulator.reset();
      const { reruns, last } = await rerunUntilLoaded(env);
      expect(last.code, last.stderr).toBe(0);
      expect(reruns).toBe(1);
      expect(simulator.counters.total).toBe(minimumCalls(missing.map(({ key }) => key)));
      expect(await warehouseChecksum(pool)).toEqual(clean.checksum);
      expect(await jobStatusCounts(pool)).toEqual({ succeeded: planned.length });
      recordFigures('postgres-restart', {
        rankings: planned.length,
        loadedBeforeRestart: loadedBefore,
        downMs,
        ...left,
        loadedByFaultyRun: loaded.size,
        reruns,
        result: 'equal to clean',
      });
    } finally {
      await pool.end();
    }
  }, 120_000);
});
