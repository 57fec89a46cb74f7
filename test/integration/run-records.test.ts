import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, startCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';

/*
 * A run's record says why it ended: the reason on etl_runs, in `status` and `status --json`, and
 * a run whose process was SIGKILLed seen as abandoned (at read time by status, written by the
 * next run).
 */

const TOKEN = 'records-token';
const db = await useTestDatabase();
let simulator: Simulator;
let slow: Simulator;
let stranger: Simulator;
let broken: Simulator;
const readerRole = `records_reader_${randomBytes(4).toString('hex')}`;
let readerUrl: string;

const env = (baseUrl: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: db.url,
  FASTMOSS_BASE_URL: baseUrl,
  FASTMOSS_TOKEN: TOKEN,
  ETL_RPS: '100',
  ...extra,
});

const BACKFILL = ['backfill', '--from', '2026-03-01', '--to', '2026-03-02', '--periods', 'day'];

interface StatusRun {
  id: string;
  status: string;
  end: { reason: string; message: string | null } | null;
  abandonedAt: string | null;
}

async function statusAsReader(): Promise<{ runs: StatusRun[]; text: string }> {
  const json = await runCli(['status', '--json'], { DATABASE_URL: readerUrl });
  expect(json.code, json.stderr).toBe(0);
  const text = await runCli(['status'], { DATABASE_URL: readerUrl });
  expect(text.code, text.stderr).toBe(0);
  return { runs: (JSON.parse(json.stdout) as { runs: StatusRun[] }).runs, text: text.stdout };
}

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
  slow = await startSimulator({ token: TOKEN, latencyMs: [400, 400] });
  stranger = await startSimulator({ token: 'another-token' });
  broken = await startSimulator({ token: TOKEN, faults: { rate5xx: 1 } });
  await db.pool.query(`CREATE ROLE ${readerRole} LOGIN PASSWORD 'reader'`);
  const granted = await runCli(['grant-reader', readerRole], { DATABASE_URL: db.url });
  expect(granted.code, granted.stderr).toBe(0);
  const url = new URL(db.url);
  url.username = readerRole;
  url.password = 'reader';
  readerUrl = url.toString();
});

afterAll(async () => {
  await simulator.close();
  await slow.close();
  await stranger.close();
  await broken.close();
  await db.pool.query(`DROP OWNED BY ${readerRole}`);
  await db.pool.query(`DROP ROLE ${readerRole}`);
});

describe('the reason a run ended', () => {
  it('a rejected token: failed with reason auth and the API answer, in etl_runs, status and status --json', async () => {
    const run = await runCli([...BACKFILL, '--regions', 'US'], env(stranger.url));
    expect(run.code).toBe(1);
    const { rows } = await db.pool.query<{
      id: string;
      status: string;
      end_reason: string | null;
      end_message: string | null;
    }>(
      'SELECT id, status, end_reason, end_message FROM fastmoss.etl_runs ORDER BY id DESC LIMIT 1',
    );
    const recorded = rows[0];
    expect(recorded?.status).toBe('failed');
    expect(recorded?.end_reason).toBe('auth');
    expect(recorded?.end_message).toMatch(/^FASTMOSS_AUTH: /);
    expect(recorded?.end_message).not.toContain(TOKEN);

    const status = await statusAsReader();
    const shown = status.runs.find((entry) => entry.id === recorded?.id);
    expect(shown?.status).toBe('failed');
    expect(shown?.end).toEqual({ reason: 'auth', message: recorded?.end_message });
    expect(status.text).toMatch(/failed \(auth\)/);
    expect(status.text).toContain(`run ${recorded?.id} failed: FASTMOSS_AUTH: `);
    // Three CLI processes (the backfill and two status reads), each starting Node and opening
    // Postgres: past 30 s on a 2-core machine at load ~15.
  }, 60_000);

  it('a run that loads everything records no reason', async () => {
    const run = await runCli([...BACKFILL, '--regions', 'GB', '--json'], env(simulator.url));
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { runId: string; end: unknown };
    expect(summary.end).toBeNull();
    const { rows } = await db.pool.query(
      'SELECT status, end_reason, end_message FROM fastmoss.etl_runs WHERE id = $1',
      [summary.runId],
    );
    expect(rows).toEqual([{ status: 'succeeded', end_reason: null, end_message: null }]);
  });
});

describe('a failed ranking in status', () => {
  it('counts its tries and its API calls, which agree with "gave up after N attempts"', async () => {
    const args = ['backfill', '--from', '2026-03-05', '--to', '2026-03-05', '--periods', 'day'];
    const run = await runCli([...args, '--regions', 'JP', '--orderby', 'gmv'], {
      ...env(broken.url),
      ETL_MAX_ATTEMPTS: '3',
    });
    expect(run.code).toBe(1);
    const json = await runCli(['status', '--json'], { DATABASE_URL: readerUrl });
    const report = JSON.parse(json.stdout) as {
      failures: { ranking: string; attempts: number; apiCalls: number; reason: string }[];
    };
    const failure = report.failures.find((entry) => entry.ranking.startsWith('JP'));
    expect(failure).toMatchObject({ attempts: 1, apiCalls: 3 });
    expect(failure?.reason).toMatch(/gave up after 3 attempts/);
    expect(broken.counters.total).toBe(3);
    const text = await runCli(['status'], { DATABASE_URL: readerUrl });
    expect(text.stdout).toContain(`${failure?.ranking} (1 try, 3 api calls): `);
    expect(text.stdout).not.toMatch(/\(\d+ attempts\)/);
  }, 60_000);
});

describe('a run whose process was SIGKILLed', () => {
  it('is shown abandoned by status (which writes nothing) and marked abandoned, with when, by the next run', async () => {
    const { child, done } = startCli(
      [...BACKFILL, '--regions', 'DE,FR,IT'],
      env(slow.url, { ETL_CONCURRENCY: '1', ETL_RPS: '2' }),
    );
    // Wait until the run is recorded and its worker connected.
    let runId: string | undefined;
    for (let waited = 0; runId === undefined && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await db.pool.query<{ id: string }>(
        `SELECT r.id FROM fastmoss.etl_runs r
         JOIN pg_stat_activity a ON a.application_name = 'fastmoss-etl/' || r.worker_id
         WHERE r.status = 'running'`,
      );
      runId = rows[0]?.id;
    }
    expect(runId).toBeDefined();
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    // Postgres notices the dead process's connections within moments.
    for (let waited = 0; waited < 10_000; waited += 100) {
      const { rows } = await db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'fastmoss-etl/%'`,
      );
      if (Number(rows[0]?.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const before = Date.now();
    const status = await statusAsReader();
    const shown = status.runs.find((entry) => entry.id === runId);
    expect(shown?.status).toBe('abandoned');
    expect(shown?.end?.reason).toBe('worker_gone');
    expect(shown?.end?.message).toMatch(
      /^its process ended without finishing the run \(.+, pid \d+\)$/,
    );
    expect(Date.parse(shown?.abandonedAt ?? '')).toBeGreaterThanOrEqual(before - 5_000);
    expect(status.text).toMatch(new RegExp(`run ${runId} abandoned \\(seen gone `));
    // status only computed it: the row is untouched.
    const untouched = await db.pool.query(
      'SELECT status, abandoned_at FROM fastmoss.etl_runs WHERE id = $1',
      [runId],
    );
    expect(untouched.rows).toEqual([{ status: 'running', abandoned_at: null }]);

    const next = await runCli([...BACKFILL, '--regions', 'DE,FR,IT'], env(simulator.url));
    expect(next.code, next.stderr).toBe(0);
    const marked = await db.pool.query<{
      status: string;
      end_reason: string;
      abandoned_at: Date | null;
      finished_at: Date | null;
    }>(
      'SELECT status, end_reason, abandoned_at, finished_at FROM fastmoss.etl_runs WHERE id = $1',
      [runId],
    );
    expect(marked.rows[0]?.status).toBe('abandoned');
    expect(marked.rows[0]?.end_reason).toBe('worker_gone');
    expect(marked.rows[0]?.abandoned_at).toBeInstanceOf(Date);
    expect(marked.rows[0]?.finished_at).toBeNull();
    const after = await statusAsReader();
    const recorded = after.runs.find((entry) => entry.id === runId);
    expect(recorded?.abandonedAt).toBe(marked.rows[0]?.abandoned_at?.toISOString());
    // A live run is never taken for abandoned: the next run itself succeeded and says so.
    expect(after.runs[0]?.status).toBe('succeeded');
  }, 60_000);
});
