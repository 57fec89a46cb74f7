import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantReader, InvalidRoleNameError, RoleNotFoundError } from '../../src/db/grant-reader.ts';
import { ensurePartitions } from '../../src/db/partitions.ts';
import { useTestDatabase } from '../support/database.ts';

const db = await useTestDatabase();

// Roles are cluster-wide: a random suffix keeps parallel runs apart. The quote, space and capitals
// prove the name is used as a quoted identifier, exactly as written.
const reader = `Analyst "BI" ${randomBytes(3).toString('hex')}`;
const quoted = pg.escapeIdentifier(reader);
const VIEWS = ['v_rankings', 'v_top_lives', 'v_creator_history', 'v_coverage'];
const UID = '7291972001835992106';
const ROOM = '7621968386985085727';

async function asReader<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query(`SET ROLE ${quoted}`);
    return await work(client);
  } finally {
    await client.query('RESET ROLE');
    client.release();
  }
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof Error && 'code' in error ? String(error.code) : 'not a pg error';
  }
}

beforeAll(async () => {
  await db.pool.query(`CREATE ROLE ${quoted} NOLOGIN`);
  await ensurePartitions(db.pool, ['2026-03-23']);
  await db.pool.query(`
    INSERT INTO fastmoss.creator_categories (id, name) VALUES (4, 'Beauty');
    INSERT INTO fastmoss.creators (uid, unique_id, nickname, region, creator_category_id,
                                   follower_count, first_seen_at, last_seen_at)
    VALUES (${UID}, 'highlanddaily1', 'Highland Daily', 'US', 4, 77777777, now(), now());
    INSERT INTO fastmoss.ranking_snapshots (region, period_type, period_value, period_start,
                                            period_end, order_field, total, entry_count, fetched_at)
    VALUES ('US', 'week', '2026-13', '2026-03-23', '2026-03-29', 'gmv', 500, 1, now());
    INSERT INTO fastmoss.ranking_entries (snapshot_id, rank, creator_uid, live_units_sold,
                                          live_gmv, live_usd_gmv, currency, live_count,
                                          follower_count, period_start)
    SELECT id, 1, ${UID}, 57140, 958762.84, 958762.84, 'USD', 6, 77777777, period_start
    FROM fastmoss.ranking_snapshots;
    INSERT INTO fastmoss.live_streams (room_id, creator_uid, region, title, first_seen_at,
                                       last_seen_at)
    VALUES (${ROOM}, ${UID}, 'US', 'Spring Glow Up LIVE', now(), now());
    INSERT INTO fastmoss.ranking_top_lives (snapshot_id, rank, position, room_id, units_sold,
                                            gmv, currency, period_start)
    SELECT id, 1, 1, ${ROOM}, 72, 1646.34, 'USD', period_start FROM fastmoss.ranking_snapshots;
  `);
});

afterAll(async () => {
  // DROP OWNED BY also removes the role's grants and default privileges in this database.
  await db.pool.query(`DROP OWNED BY ${quoted}`);
  await db.pool.query(`DROP ROLE ${quoted}`);
});

describe('grantReader', () => {
  it('refuses an unknown role with RoleNotFoundError and grants nothing', async () => {
    const missing = `nobody_${randomBytes(4).toString('hex')}`;
    const error = await grantReader(db.pool, missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RoleNotFoundError);
    expect(error).toMatchObject({ code: 'ETL_ROLE_NOT_FOUND' });
    expect(String(error)).toContain(`role "${missing}" does not exist`);
  });

  it('refuses an empty or over-long role name with InvalidRoleNameError', async () => {
    for (const name of ['', 'r'.repeat(64)]) {
      const error = await grantReader(db.pool, name).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRoleNameError);
      expect(error).toMatchObject({ code: 'ETL_ROLE_NAME' });
    }
  });

  it('before the grant, the role cannot read the warehouse', async () => {
    expect(await asReader((c) => errorCodeOf(c.query('SELECT * FROM fastmoss.v_rankings')))).toBe(
      '42501',
    );
  });

  it('lets the role SELECT every view, with the exact uid as text', async () => {
    const result = await grantReader(db.pool, reader);
    const { rows: relations } = await db.pool.query<{ count: string }>(
      `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'fastmoss' AND c.relkind IN ('r', 'p', 'v', 'm')`,
    );
    expect(result).toEqual({ role: reader, relations: Number(relations[0]?.count) });

    const counts = await asReader(async (client) => {
      const seen: Record<string, number> = {};
      for (const view of VIEWS) {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM fastmoss.${view}`,
        );
        seen[view] = rows[0]?.n ?? -1;
      }
      return seen;
    });
    expect(counts).toEqual({ v_rankings: 1, v_top_lives: 1, v_creator_history: 1, v_coverage: 1 });

    const uids = await asReader((client) =>
      client.query<{ creator_uid_text: string; room_id_text: string }>(
        'SELECT creator_uid_text, room_id_text FROM fastmoss.v_top_lives',
      ),
    );
    expect(uids.rows).toEqual([{ creator_uid_text: UID, room_id_text: ROOM }]);
  });

  it('shows the role the warehouse only: the migration bookkeeping is out of its reach', async () => {
    await grantReader(db.pool, reader);
    const { rows } = await db.pool.query<{ schema: string; usage: boolean }>(
      `SELECT n.nspname AS schema, has_schema_privilege($1, n.oid, 'USAGE') AS usage
         FROM pg_namespace n WHERE n.nspname LIKE 'fastmoss%' ORDER BY 1`,
      [reader],
    );
    expect(rows).toEqual([
      { schema: 'fastmoss', usage: true },
      { schema: 'fastmoss_meta', usage: false },
      { schema: 'fastmoss_private', usage: false },
    ]);
    expect(
      await asReader((c) =>
        errorCodeOf(c.query('SELECT * FROM fastmoss_meta.__drizzle_migrations')),
      ),
    ).toBe('42501');
  });

  it("is refused signed mode's token table, and any table later added beside it", async () => {
    await db.pool.query(
      `INSERT INTO fastmoss_private.access_tokens (api, client_id, sealed_token, expires_at)
       VALUES ('https://openapi.fastmoss.com', 'client-1', 'v1.sealed', now())`,
    );
    await grantReader(db.pool, reader);
    // As a later migration would: a new table in the private schema, created after the grant.
    await db.pool.query('CREATE TABLE fastmoss_private.later_secret (value text)');
    try {
      const codes = await asReader(async (client) => [
        await errorCodeOf(client.query('SELECT * FROM fastmoss_private.access_tokens')),
        await errorCodeOf(client.query('SELECT * FROM fastmoss_private.later_secret')),
        await errorCodeOf(client.query('SELECT count(*) FROM fastmoss.ranking_entries')),
      ]);
      expect(codes).toEqual(['42501', '42501', undefined]);
      const { rows } = await db.pool.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'fastmoss_private' AND has_table_privilege($1, c.oid, 'SELECT')`,
        [reader],
      );
      expect(rows).toEqual([]);
    } finally {
      await db.pool.query('DROP TABLE fastmoss_private.later_secret');
      await db.pool.query('DELETE FROM fastmoss_private.access_tokens');
    }
  });

  it('leaves the role unable to INSERT, UPDATE or DELETE', async () => {
    await grantReader(db.pool, reader);
    const codes = await asReader(async (client) => [
      await errorCodeOf(
        client.query(`INSERT INTO fastmoss.creator_categories (id, name) VALUES (5, 'Food')`),
      ),
      await errorCodeOf(client.query(`UPDATE fastmoss.creators SET nickname = 'changed'`)),
      await errorCodeOf(client.query('DELETE FROM fastmoss.ranking_entries')),
    ]);
    expect(codes).toEqual(['42501', '42501', '42501']);
    const { rows: writable } = await db.pool.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'fastmoss' AND c.relkind IN ('r', 'p', 'v', 'm')
          AND has_table_privilege($1, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')`,
      [reader],
    );
    expect(writable).toEqual([]);
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM fastmoss.ranking_entries',
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('makes tables created after the grant readable too', async () => {
    await grantReader(db.pool, reader);
    await db.pool.query('CREATE TABLE fastmoss.later_table (id int)');
    await db.pool.query('INSERT INTO fastmoss.later_table VALUES (1), (2)');
    const { rows } = await asReader((client) =>
      client.query<{ n: number }>('SELECT count(*)::int AS n FROM fastmoss.later_table'),
    );
    expect(rows[0]?.n).toBe(2);
    await db.pool.query('DROP TABLE fastmoss.later_table');
  });

  it('can be run again on a role that already reads', async () => {
    const first = await grantReader(db.pool, reader);
    const second = await grantReader(db.pool, reader);
    expect(second).toEqual(first);
  });
});
