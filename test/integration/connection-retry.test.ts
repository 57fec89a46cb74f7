import { describe, expect, it } from 'vitest';
import { isConnectionLost, retryOnConnectionLoss } from '../../src/db/connection-retry.ts';
import { useTestDatabase } from '../support/database.ts';

describe('retryOnConnectionLoss', () => {
  it('runs a statement again on a fresh connection when its backend is terminated', async () => {
    const db = await useTestDatabase();
    let attempts = 0;
    const result = await retryOnConnectionLoss(async () => {
      attempts++;
      const client = await db.pool.connect();
      // A lost connection's 'error' event must be heard, or it would crash the test process.
      client.on('error', () => undefined);
      try {
        if (attempts === 1) {
          const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
            .rows[0]?.pid;
          await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
        }
        return (await client.query<{ answer: number }>('SELECT 42 AS answer')).rows[0]?.answer;
      } finally {
        client.release(true);
      }
    });
    expect(result).toBe(42);
    expect(attempts).toBe(2);
  });

  it('does not retry other errors', async () => {
    const db = await useTestDatabase();
    let attempts = 0;
    await expect(
      retryOnConnectionLoss(async () => {
        attempts++;
        await db.pool.query('SELECT * FROM no_such_table');
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(attempts).toBe(1);
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
  });
});
