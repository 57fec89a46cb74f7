import type pg from 'pg';

/** Runs `work` in one transaction on one pooled connection: all of it commits, or none. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    try {
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    // A connection that could not roll back is not handed to the next user of the pool.
    client.release(broken);
  }
}
