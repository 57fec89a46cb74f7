import type pg from 'pg';

/** Runs `work` in one transaction on one pooled connection: all of it commits, or none. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection lost while checked out (a server restart, pg_terminate_backend between two
  // statements) is an 'error' event, which crashes the process when nobody listens; noted here,
  // it fails the next statement instead, so the transaction rolls back and the caller goes on.
  const noteLost = (error: Error) => {
    broken ??= error;
  };
  client.on('error', noteLost);
  try {
    await client.query('begin');
    try {
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        broken ??= rollbackError;
      });
      throw error;
    }
  } finally {
    client.off('error', noteLost);
    // A connection that could not roll back, or was lost, is not handed to the next user.
    client.release(broken);
  }
}
