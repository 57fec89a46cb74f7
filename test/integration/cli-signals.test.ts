import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { cliEnv, collectOutput } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import {
  cliProcessUnder,
  isAlive,
  killStartedGroups,
  postgresServersOn,
  REPOSITORY,
  type StartedProcess,
  startNpx,
  waitFor,
} from '../support/processes.ts';

/*
 * The README and docker-compose start the CLI through npx. Whatever receives the signal (npx, the
 * CLI's node process, their process group) or dies (the CLI's parent), the CLI stops as
 * documented: jobs given back, its embedded Postgres stopped, its exit code.
 */

const TOKEN = 'signals-test-token';
const SLOW = 240_000;
let simulator: Simulator;
let home: string;

beforeAll(async () => {
  // Slow answers, so a backfill is still loading when the signal comes.
  simulator = await startSimulator({ token: TOKEN, latencyMs: [150, 250] });
  home = await mkdtemp(path.join(tmpdir(), 'fastmoss-etl-signals-'));
  // As root, Postgres runs as its own user, which must enter the working directories below.
  await chmod(home, 0o755);
});

// A failed test must not leave its npx, CLI or (through the CLI's reaper) Postgres running.
afterEach(() => killStartedGroups());

afterAll(async () => {
  await simulator.close();
  await rm(home, { recursive: true, force: true });
});

/** A working directory of its own, for a command on the embedded default. */
async function workingDirectory(name: string): Promise<string> {
  const dir = path.join(home, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

function apiEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    FASTMOSS_BASE_URL: simulator.url,
    FASTMOSS_TOKEN: TOKEN,
    ETL_RPS: '10',
    ETL_CONCURRENCY: '2',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** 2 regions x 10 days x 2 order fields: 40 rankings, far more than load before the signal. */
const BACKFILL = [
  'backfill',
  '--from',
  '2026-04-01',
  '--to',
  '2026-04-10',
  '--periods',
  'day',
  '--regions',
  'US,GB',
  '--json',
];

async function loaded(db: TestDatabase): Promise<number> {
  const result = await db.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM fastmoss.ranking_snapshots',
  );
  return Number(result.rows[0]?.n);
}

async function jobsByStatus(query: (text: string) => Promise<{ rows: unknown[] }>) {
  const { rows } = await query(
    'SELECT status, count(*)::int AS n FROM fastmoss.etl_jobs GROUP BY status ORDER BY status',
  );
  return Object.fromEntries(
    (rows as { status: string; n: number }[]).map((row) => [row.status, row.n]),
  );
}

async function runStatuses(query: (text: string) => Promise<{ rows: unknown[] }>) {
  const { rows } = await query('SELECT status FROM fastmoss.etl_runs ORDER BY started_at');
  return (rows as { status: string }[]).map((row) => row.status);
}

async function cliOf(started: StartedProcess): Promise<number> {
  let cli: number | undefined;
  await waitFor('the CLI under npx', () => {
    cli = cliProcessUnder(started.child.pid as number);
    return cli !== undefined;
  });
  return cli as number;
}

type Target = 'npx' | 'node' | 'group';

function send(started: StartedProcess, cli: number, target: Target, signal: NodeJS.Signals) {
  const npx = started.child.pid as number;
  process.kill(target === 'npx' ? npx : target === 'node' ? cli : -npx, signal);
}

describe('backfill started with npx, on DATABASE_URL', () => {
  it.each([
    ['SIGTERM', 'npx'],
    ['SIGINT', 'group'],
  ] as const)(
    '%s to %s: rankings in flight finish, the rest is given back, exit 1 with an interrupted summary',
    async (signal, target) => {
      const db = await useTestDatabase();
      const started = startNpx(BACKFILL, { ...apiEnv(), DATABASE_URL: db.url }, home);
      const cli = await cliOf(started);
      await waitFor('3 rankings loaded', async () => (await loaded(db)) >= 3);
      send(started, cli, target, signal);
      const result = await started.done;

      expect(result.code).toBe(1);
      const summary = JSON.parse(result.stdout);
      expect(summary).toMatchObject({ status: 'interrupted', selected: 40, failed: 0 });
      expect(summary.unfinished).toBeGreaterThan(0);
      expect(summary.succeeded).toBe(await loaded(db));
      const jobs = await jobsByStatus((text) => db.pool.query(text));
      expect(jobs).toEqual({ pending: summary.unfinished, succeeded: summary.succeeded });
      expect(await runStatuses((text) => db.pool.query(text))).toEqual(['interrupted']);
      expect(isAlive(cli)).toBe(false);
    },
    SLOW,
  );

  it(
    'its parent killed (SIGKILL to npx): the CLI notices, gives its jobs back and records the run as interrupted',
    async () => {
      const db = await useTestDatabase();
      const started = startNpx(BACKFILL, { ...apiEnv(), DATABASE_URL: db.url }, home);
      const cli = await cliOf(started);
      await waitFor('3 rankings loaded', async () => (await loaded(db)) >= 3);
      started.child.kill('SIGKILL');
      // The pipes stay open until the orphaned CLI has written its summary and exited.
      const result = await started.done;
      await waitFor('the orphaned CLI to exit', () => !isAlive(cli), 10_000);

      expect(result.signal).toBe('SIGKILL');
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'interrupted' });
      const jobs = await jobsByStatus((text) => db.pool.query(text));
      expect(jobs.running).toBeUndefined();
      expect(await runStatuses((text) => db.pool.query(text))).toEqual(['interrupted']);
    },
    SLOW,
  );
});

describe('the embedded default, started with npx', () => {
  /** Reads the ledger of the embedded cluster in `cwd`, starting it for that and stopping it. */
  async function embeddedLedger(cwd: string) {
    const db = await openDatabase(undefined, { cwd });
    try {
      const query = (text: string) => db.pool.query(text);
      return { jobs: await jobsByStatus(query), runs: await runStatuses(query) };
    } finally {
      await db.close();
    }
  }

  it.each([
    ['SIGTERM', 'npx'],
    ['SIGTERM', 'node'],
  ] as const)(
    'schedule, %s to %s: stops with exit 0, no job left running, its Postgres stopped',
    async (signal, target) => {
      // One cluster for both: the second start finds it (and the catch-up has nothing to load).
      const cwd = path.join(home, 'schedule');
      await mkdir(cwd, { recursive: true });
      const started = startNpx(
        ['schedule'],
        apiEnv({ REGIONS: 'US', ORDER_FIELDS: 'gmv', PERIODS: 'day', LOOKBACK_DAYS: '1' }),
        cwd,
      );
      const cli = await cliOf(started);
      await waitFor('the catch-up to finish', () => started.output().includes('catch-up:'));
      const dataDir = await realpath(path.join(cwd, '.fastmoss-etl', 'postgres'));
      expect(postgresServersOn(dataDir)).toHaveLength(1);
      send(started, cli, target, signal);
      const result = await started.done;

      expect(result.code).toBe(0);
      expect(isAlive(cli)).toBe(false);
      expect(postgresServersOn(dataDir)).toEqual([]);
      const ledger = await embeddedLedger(cwd);
      expect(ledger.jobs.running).toBeUndefined();
      expect(ledger.runs).not.toContain('running');
    },
    SLOW,
  );

  it(
    'demo --keep: SIGINT to npx stops Postgres and the simulator with exit 0; so does its parent dying',
    async () => {
      const cwd = await workingDirectory('demo');
      const dataDir = () => realpath(path.join(cwd, '.fastmoss-etl', 'postgres'));

      const first = startNpx(['demo', '--keep'], {}, cwd);
      const firstCli = await cliOf(first);
      // The first demo initialises its cluster and loads 162 rankings.
      await waitFor(
        'the demo to stay up',
        () => first.output().includes('stay up until Ctrl-C'),
        180_000,
      );
      expect(postgresServersOn(await dataDir())).toHaveLength(1);
      send(first, firstCli, 'npx', 'SIGINT');
      const stopped = await first.done;
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain('stopping Postgres and the simulator');
      expect(postgresServersOn(await dataDir())).toEqual([]);

      // The second time everything is loaded already; then npx, its parent, is SIGKILLed.
      const second = startNpx(['demo', '--keep'], {}, cwd);
      const secondCli = await cliOf(second);
      await waitFor(
        'the demo to stay up',
        () => second.output().includes('stay up until Ctrl-C'),
        120_000,
      );
      second.child.kill('SIGKILL');
      await second.done;
      await waitFor('the orphaned CLI to exit', () => !isAlive(secondCli), 30_000);
      expect(postgresServersOn(await dataDir())).toEqual([]);
    },
    SLOW,
  );
});

describe('run under a shell that neither forwards signals nor execs (dash, as npm uses it)', () => {
  it(
    'SIGTERM to the shell kills only the shell; the orphaned CLI stops as on SIGTERM',
    async () => {
      const db = await useTestDatabase();
      const bin = path.join(REPOSITORY, 'bin', 'fastmoss-etl.js');
      const shell = spawn('sh', ['-c', `"${process.execPath}" "${bin}" run --json`], {
        env: cliEnv({
          ...apiEnv({ REGIONS: 'US,GB', LOOKBACK_DAYS: '5' }),
          DATABASE_URL: db.url,
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const { done } = collectOutput(shell);
      let cli: number | undefined;
      await waitFor('the CLI under sh', () => {
        cli = cliProcessUnder(shell.pid as number);
        return cli !== undefined;
      });
      await waitFor('2 rankings loaded', async () => (await loaded(db)) >= 2);
      shell.kill('SIGTERM');
      const { stdout } = await done;
      await waitFor('the orphaned CLI to exit', () => !isAlive(cli as number), 10_000);

      expect(JSON.parse(stdout)).toMatchObject({ status: 'interrupted' });
      expect(isAlive(cli as number)).toBe(false);
      const jobs = await jobsByStatus((text) => db.pool.query(text));
      expect(jobs.running).toBeUndefined();
      expect(await runStatuses((text) => db.pool.query(text))).toEqual(['interrupted']);
    },
    SLOW,
  );
});
