import type pg from 'pg';
import type {
  AccessTokenKey,
  AccessTokenStore,
  StoredAccessToken,
} from '../fastmoss/access-token-store.ts';

/*
 * Signed mode's shared access token, in fastmoss_private.access_tokens (a schema no reader role
 * is granted). A renewal runs inside one transaction holding a transaction-level advisory lock
 * on (api, client id): a second process wanting to renew waits, then finds the token the first
 * stored and uses it instead of asking FastMoss for another. The lock ends with the transaction,
 * so a process that dies mid-renewal frees it.
 */

/** Prefix of the advisory lock's key text, so it cannot meet another lock's hash by design. */
const TOKEN_LOCK_PREFIX = 'fastmoss-etl access token';

export function postgresAccessTokenStore(pool: pg.Pool): AccessTokenStore {
  return {
    async withLock(key, renew) {
      const client = await pool.connect();
      // A connection lost while checked out is an 'error' event; the next statement fails instead.
      const ignoreLost = () => undefined;
      client.on('error', ignoreLost);
      try {
        await client.query('BEGIN');
        await client.query(
          `SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(10) || $2 || chr(10) || $3, 0))`,
          [TOKEN_LOCK_PREFIX, key.api, key.clientId],
        );
        const stored = await readToken(client, key);
        const next = await renew(stored);
        if (next !== stored) await writeToken(client, key, next);
        await client.query('COMMIT');
        return next;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', ignoreLost);
        client.release();
      }
    },
  };
}

async function readToken(
  client: pg.ClientBase,
  key: AccessTokenKey,
): Promise<StoredAccessToken | undefined> {
  const result = await client.query<{ sealed_token: string; expires_at: Date }>(
    `SELECT sealed_token, expires_at FROM fastmoss_private.access_tokens
      WHERE api = $1 AND client_id = $2`,
    [key.api, key.clientId],
  );
  const row = result.rows[0];
  return row ? { sealed: row.sealed_token, expiresAt: row.expires_at } : undefined;
}

async function writeToken(
  client: pg.ClientBase,
  key: AccessTokenKey,
  token: StoredAccessToken,
): Promise<void> {
  await client.query(
    `INSERT INTO fastmoss_private.access_tokens (api, client_id, sealed_token, expires_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (api, client_id) DO UPDATE
       SET sealed_token = excluded.sealed_token, expires_at = excluded.expires_at,
           updated_at = now()`,
    [key.api, key.clientId, token.sealed, token.expiresAt],
  );
}
