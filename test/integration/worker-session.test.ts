import { expect, it } from 'vitest';
import { WORKER_APPLICATION_PREFIX } from '../../src/db/ledger.ts';
import { openWorkerSession } from '../../src/pipeline/worker-session.ts';
import { useTestDatabase } from '../support/database.ts';

it('a worker whose session connection is killed reconnects, so it never looks dead for long', async () => {
  const db = await useTestDatabase();
  const session = await openWorkerSession(db.url, { leaseSeconds: 30 });
  const name = `${WORKER_APPLICATION_PREFIX}${session.workerId}`;
  const sessions = async () => {
    const result = await db.pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    return result.rows.map((row) => row.pid);
  };
  try {
    const [first] = await sessions();
    expect(first).toBeDefined();
    await db.pool.query('SELECT pg_terminate_backend($1)', [first]);
    let back: number[] = [];
    for (let tries = 0; tries < 50 && (back.length === 0 || back[0] === first); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await sessions();
    }
    expect(back).toHaveLength(1);
    expect(back[0]).not.toBe(first);
  } finally {
    await session.close();
  }
  expect(await sessions()).toEqual([]);
});
