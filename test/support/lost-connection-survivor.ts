/*
 * A process that kills its own idle Postgres connections, one way of holding a connection at a
 * time, and says what it saw: run by test/integration/lost-connections.test.ts as a subprocess,
 * so an unhandled 'error' event shows as the crash it is (exit code, stack on stderr), not as a
 * test-runner warning. Usage: node --import tsx lost-connection-survivor.ts DATABASE_URL
 */
import { once } from 'node:events';
import type pg from 'pg';
import { postgresAccessTokenStore } from '../../src/db/access-token-store.ts';
import { createPool } from '../../src/db/connect.ts';
import { isConnectionLost } from '../../src/db/connection-retry.ts';
import { WORKER_APPLICATION_PREFIX } from '../../src/db/ledger.ts';
import { inTransaction } from '../../src/db/transaction.ts';
import { openWorkerSession } from '../../src/pipeline/worker-session.ts';
import {
  CYCLE_LOCK_CLASS_ID,
  cycleLockObjectId,
  withCycleLock,
} from '../../src/schedule/cycle-lock.ts';

const url = process.argv[2];
if (url === undefined) throw new Error('usage: lost-connection-survivor.ts DATABASE_URL');

/** The killer: a connection of its own, as the reliability suite's is. */
const admin = createPool(url, { max: 1 });

async function terminate(pid: number): Promise<void> {
  const result = await admin.query<{ killed: boolean }>(
    'SELECT pg_terminate_backend($1) AS killed',
    [pid],
  );
  if (result.rows[0]?.killed !== true) throw new Error(`backend ${pid} was not terminated`);
}

async function backendPid(db: pg.Pool | pg.ClientBase): Promise<number> {
  const result = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = result.rows[0]?.pid;
  if (pid === undefined) throw new Error('no backend pid');
  return pid;
}

/** Kills the backend of `client`, idle, and waits until the client has seen it go. */
async function killWhileIdle(client: pg.ClientBase, pid: number): Promise<void> {
  // Not events.once: it would reject on the 'error' event this is about.
  const ended = new Promise((resolve) => client.once('end', resolve));
  await terminate(pid);
  await ended;
}

/** What a statement on a lost connection fails with: whether it reads as a lost connection. */
async function failsAsLost(statement: () => Promise<unknown>): Promise<boolean> {
  try {
    await statement();
    return false;
  } catch (error) {
    return isConnectionLost(error);
  }
}

function report(scenario: string, facts: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ scenario, ...facts })}\n`);
}

const pool = createPool(url, { max: 2 });

// 1. Idle in the pool: the pool drops it and opens a fresh one for the next query.
{
  const before = await backendPid(pool);
  const dropped = once(pool, 'error');
  await terminate(before);
  await dropped;
  const after = await backendPid(pool);
  report('idle in the pool', { reconnected: after !== before });
}

// 2. Checked out and idle between statements, by a caller that does not listen ('error' is
// handled by the pool's own listener): the next statement fails as a lost connection.
{
  const client = await pool.connect();
  const pid = await backendPid(client);
  await killWhileIdle(client, pid);
  const lost = await failsAsLost(() => client.query('SELECT 1'));
  client.release();
  report('checked out, no listener of its own', {
    lost,
    reconnected: (await backendPid(pool)) !== pid,
  });
}

// 3. Inside a transaction, between two statements: the transaction fails, the process goes on.
{
  let pid = 0;
  const lost = await failsAsLost(() =>
    inTransaction(pool, async (tx) => {
      pid = await backendPid(tx);
      await killWhileIdle(tx, pid);
      await tx.query('SELECT 1');
    }),
  );
  report('in a transaction', { lost, reconnected: (await backendPid(pool)) !== pid });
}

// 4. A scheduled cycle's advisory-lock session, killed while the cycle runs: the cycle finishes,
// the lock goes with the connection, and the next cycle can take it.
{
  const key = [CYCLE_LOCK_CLASS_ID, cycleLockObjectId('daily')];
  const holder = async () => {
    const result = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND granted`,
      key,
    );
    return result.rows[0]?.pid;
  };
  const first = await withCycleLock(pool, 'daily', async () => {
    const pid = await holder();
    if (pid === undefined) throw new Error('the cycle lock is not held');
    await terminate(pid);
    // The lock's session is idle while the cycle works: give it time to see the kill.
    for (let tries = 0; tries < 100 && (await holder()) !== undefined; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  const second = await withCycleLock(pool, 'daily', async () => {});
  report('cycle lock session', { firstRan: first.ran, secondRan: second.ran });
}

// 5. Signed mode's token lock, killed while the token is renewed: the renewal fails as lost.
{
  const store = postgresAccessTokenStore(pool);
  let pid = 0;
  const lost = await failsAsLost(() =>
    store.withLock({ api: 'http://lost.test', clientId: 'lost-client' }, async () => {
      const locked = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      pid = locked.rows[0]?.pid ?? 0;
      await terminate(pid);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { sealed: 'never-stored', expiresAt: new Date(Date.now() + 60_000) };
    }),
  );
  report('token lock session', { lost, reconnected: (await backendPid(pool)) !== pid });
}

// 6. The worker's dedicated session connection: opened again at once.
{
  const session = await openWorkerSession(url, { leaseSeconds: 30 });
  const name = `${WORKER_APPLICATION_PREFIX}${session.workerId}`;
  const sessions = async () =>
    (
      await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
        [name],
      )
    ).rows.map((row) => row.pid);
  const [first] = await sessions();
  if (first === undefined) throw new Error('no worker session');
  await terminate(first);
  let back: number[] = [];
  for (let tries = 0; tries < 100 && (back.length === 0 || back[0] === first); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    back = await sessions();
  }
  await session.close();
  report('worker session', { reconnected: back.length === 1 && back[0] !== first });
}

await pool.end();
await admin.end();
report('done', {});
