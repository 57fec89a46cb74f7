import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { collectOutput } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';

/*
 * pg_terminate_backend (57P01, as a Postgres restart sends too) on every kind of connection the
 * ETL holds, each killed while idle: in the pool, checked out between two statements, inside a
 * transaction, a cycle's advisory-lock session, the token lock, the worker's session. An 'error'
 * event nobody listens to would end the process; each must instead fail its next statement as
 * a lost connection, or be replaced, and the process must go on.
 */

const SURVIVOR = fileURLToPath(new URL('../support/lost-connection-survivor.ts', import.meta.url));

it('a process whose idle connections are all terminated survives each, reports the loss and reconnects', async () => {
  const db = await useTestDatabase();
  const child = spawn(process.execPath, ['--import', 'tsx', SURVIVOR, db.url], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = await collectOutput(child).done;

  expect(result.stderr).not.toMatch(/Unhandled 'error' event|terminating connection/);
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  const seen = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(seen).toEqual([
    { scenario: 'idle in the pool', reconnected: true },
    { scenario: 'checked out, no listener of its own', lost: true, reconnected: true },
    { scenario: 'in a transaction', lost: true, reconnected: true },
    { scenario: 'cycle lock session', firstRan: true, secondRan: true },
    { scenario: 'token lock session', lost: true, reconnected: true },
    { scenario: 'worker session', reconnected: true },
    { scenario: 'done' },
  ]);
}, 60_000);
