import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { databaseLabel } from '../../src/db/connection-check.ts';
import { findFreePort } from '../../src/db/embedded.ts';
import { type CliResult, runCli } from '../support/cli.ts';

/*
 * A database that cannot be reached gets one line naming it (URL without the password) and the
 * cause, for every command: never a migration-flavoured prefix, never the password. Exit 2 when
 * DATABASE_URL must change (unknown host, wrong password, missing database), 1 when the server
 * may just be down (refused, after a few seconds of retrying).
 */

const PASSWORD = 'Sekret-pw-9x7';
const ROLE = `conn_check_${randomBytes(4).toString('hex')}`;
const server = new URL(inject('postgresServerUrl'));
const admin = createPool(server.toString(), { max: 1 });

beforeAll(async () => {
  await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
});

afterAll(async () => {
  await admin.query(`DROP ROLE ${ROLE}`);
  await admin.end();
});

/** A URL on the test server as ROLE, with its password unless `change` says otherwise. */
function urlWith(change: (url: URL) => void): string {
  const url = new URL(server.toString());
  url.username = ROLE;
  url.password = PASSWORD;
  url.pathname = '/postgres';
  change(url);
  return url.toString();
}

const refusedPort = await findFreePort();
const CAUSES = {
  refused: {
    url: urlWith((url) => {
      url.hostname = '127.0.0.1';
      url.port = String(refusedPort);
    }),
    exit: 1,
    says: /connection refused/,
  },
  'unknown host': {
    url: urlWith((url) => {
      url.hostname = 'no-such-host.invalid';
    }),
    exit: 2,
    says: /unknown host "no-such-host\.invalid"/,
  },
  'wrong password': {
    url: urlWith((url) => {
      url.password = `not-${PASSWORD}`;
    }),
    exit: 2,
    says: /password authentication failed for user "conn_check_\w+" \(check the user and password/,
  },
  'missing database': {
    url: urlWith((url) => {
      url.pathname = '/no_such_database';
    }),
    exit: 2,
    says: /database "no_such_database" does not exist \(create it, or fix DATABASE_URL\)/,
  },
} as const;

const BACKFILL = ['backfill', '--from', '2026-03-01', '--to', '2026-03-01', '--regions', 'US'];
const COMMANDS: string[][] = [
  ['status'],
  ['status', '--json'],
  ['migrate'],
  BACKFILL,
  [...BACKFILL, '--dry-run'],
  ['run'],
  ['rebuild'],
  ['replay'],
  ['grant-reader', 'someone'],
  ['schedule'],
];

function expectOneLine(result: CliResult, cause: (typeof CAUSES)[keyof typeof CAUSES]) {
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^fastmoss-etl: cannot connect to the database /);
  expect(lines[0]).toContain(databaseLabel(cause.url));
  expect(lines[0]).toMatch(cause.says);
  expect(result.stderr).not.toMatch(/migrat/i);
  expect(result.stderr + result.stdout).not.toContain(PASSWORD);
  expect(result.code).toBe(cause.exit);
}

/** Runs the commands a few at a time: each is a whole Node process. */
async function runAll(commands: string[][], url: string): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (let i = 0; i < commands.length; i += 4) {
    const batch = commands.slice(i, i + 4);
    results.push(
      ...(await Promise.all(
        batch.map((args) => runCli(args, { DATABASE_URL: url, FASTMOSS_TOKEN: 'any-token' })),
      )),
    );
  }
  return results;
}

describe('a database that cannot be reached', () => {
  it('names the database without its password', () => {
    expect(databaseLabel(CAUSES['wrong password'].url)).not.toContain(PASSWORD);
    expect(databaseLabel(CAUSES['wrong password'].url)).toMatch(/^postgres:\/\/conn_check_\w+@/);
  });

  for (const [name, cause] of Object.entries(CAUSES)) {
    it(`${name}: status, migrate and backfill print one line with the database and the cause`, async () => {
      const results = await runAll(
        [COMMANDS[0], COMMANDS[2], BACKFILL].map((c) => c ?? []),
        cause.url,
      );
      for (const result of results) expectOneLine(result, cause);
    }, 120_000);
  }

  it('wrong password: every command says so in the same one line', async () => {
    const cause = CAUSES['wrong password'];
    const results = await runAll(COMMANDS, cause.url);
    results.forEach((result, index) => {
      expect(result.stderr, COMMANDS[index]?.join(' ')).not.toBe('');
      expectOneLine(result, cause);
    });
  }, 180_000);
});
