import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/server.ts';
import { runCli, runEnv } from '../support/cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/database.ts';
import { ptyAvailable, runCliOnTerminal, screenRows } from '../support/terminal-screen.ts';

const TOKEN = 'terminal-test-token';
/** 9 days x 2 regions x 2 order fields = 36 rankings, as in the issue. */
const BACKFILL = [
  'backfill',
  '--from',
  '2026-04-01',
  '--to',
  '2026-04-09',
  '--periods',
  'day',
  '--regions',
  'US,GB',
];
/** The same days for one region: 18 rankings, enough faults to count. */
const SMALLER = [...BACKFILL.slice(0, -1), 'US'];
/** A backfill through faults waits out backoffs; a loaded machine stretches it further. */
const SLOW_MS = 180_000;
const TIMESTAMP = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] /;
const BAR = /\[[#-]{20}\] \d+\/\d+ rankings/;

let simulator: Simulator;
let db: TestDatabase;
const hasPty = await ptyAvailable();

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN, seed: 13, faults: { rate5xx: 0.2 } });
  db = await useTestDatabase();
});
afterAll(async () => {
  await simulator.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return runEnv(db.url, simulator.url, TOKEN, {
    ETL_CONCURRENCY: '4',
    // At 20% faults, 8 tries make a request that never gets through (0.2^8) all but impossible.
    ETL_MAX_ATTEMPTS: '8',
    LOG_LEVEL: 'info',
    ...extra,
  });
}

describe('a backfill through faults on a terminal', () => {
  it(
    'shows whole log lines above one progress bar, no retry lines, and the retries in the summary',
    async () => {
      // script(1) is in Debian's essential bsdutils; without it this behaviour goes unchecked.
      expect(hasPty, 'script(1) from util-linux is needed to run the CLI on a pty').toBe(true);
      simulator.reset();
      const result = await runCliOnTerminal([...BACKFILL, '--force'], env());
      const rows = screenRows(result.stdout);
      expect(result.code, rows.join('\n')).toBe(0);
      const retried = simulator.counters.byOutcome['5xx'];
      // It was a terminal: the bar was drawn (and redrawn) in place.
      expect(result.stdout).toMatch(BAR);
      expect(retried).toBeGreaterThan(5);
      // A log line never starts on the bar's row, and the bar never survives above a log line.
      for (const row of rows) {
        if (BAR.test(row)) expect(row, row).not.toMatch(/\[\d{4}-\d{2}-\d{2} /);
      }
      expect(rows.filter((row) => BAR.test(row))).toEqual([]);
      // Retries are debug-level: at info, none is printed, and every log row is one line.
      expect(result.stdout).not.toContain('retrying');
      const logRows = rows.filter((row) => TIMESTAMP.test(row));
      expect(logRows.map((row) => row.replace(TIMESTAMP, ''))).toEqual([
        'INFO: loading 36 rankings (0 already loaded) {"selected":36,"skipped":0,"toLoad":36}',
      ]);
      expect(rows.some((row) => /^\s+(page|attempt|delayMs|reason): /.test(row))).toBe(false);
      expect(rows).toContain(
        `  api calls: ${simulator.counters.total} (${retried} of them retries); rows written: ` +
          `${rows.find((row) => row.includes('rows written'))?.split('rows written: ')[1]}`,
      );
      expect(rows.find((row) => row.startsWith('run '))).toMatch(
        /^run \d+ \(backfill\) succeeded in \d+(\.\d)? s$/,
      );
    },
    SLOW_MS,
  );

  it(
    'reports the run retry count in --json as the server counted the failed answers',
    async () => {
      simulator.reset();
      const result = await runCli([...SMALLER, '--force', '--json'], env());
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary.retries).toBe(simulator.counters.byOutcome['5xx']);
      expect(summary.apiCalls).toBe(simulator.counters.total);
      expect(result.stderr).not.toContain('retrying');
    },
    SLOW_MS,
  );

  it(
    'logs each retry as one debug line, and a ranking that fails as one warn line',
    async () => {
      simulator.reset();
      const result = await runCli(
        [...SMALLER, '--force', '--json'],
        env({ LOG_LEVEL: 'debug', ETL_MAX_ATTEMPTS: '2' }),
      );
      const summary = JSON.parse(result.stdout);
      const lines = result.stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const retries = lines.filter((line) => String(line.msg).startsWith('retrying: '));
      expect(retries.length).toBe(summary.retries);
      expect(retries.every((line) => line.level === 20)).toBe(true);
      const failed = lines.filter((line) => line.msg === 'ranking failed');
      expect(failed.length).toBe(summary.failed);
      expect(result.code).toBe(summary.failed > 0 ? 1 : 0);
      for (const line of failed) {
        expect(line).toMatchObject({ level: 40, ranking: expect.stringMatching(/^US\//) });
        expect(line.reason).toMatch(/^FASTMOSS_TRANSIENT: .*gave up after 2 attempts/);
      }
    },
    SLOW_MS,
  );
});

describe('--version', () => {
  it('prints the version in package.json and exits 0', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const result = await runCli(['--version'], {});
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
