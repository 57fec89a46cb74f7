import pg from 'pg';
import { EtlError } from '../domain/errors.ts';

/** The role name given is not a usable Postgres identifier (empty, too long, or holds a NUL). */
export class InvalidRoleNameError extends EtlError {
  readonly code = 'ETL_ROLE_NAME';
}

/** No role of that name exists on the server; create it first (CREATE ROLE ... LOGIN ...). */
export class RoleNotFoundError extends EtlError {
  readonly code = 'ETL_ROLE_NOT_FOUND';
}

/** Postgres truncates identifiers longer than this (NAMEDATALEN - 1 bytes). */
const MAX_IDENTIFIER_BYTES = 63;

export interface GrantReaderResult {
  /** The role, exactly as it exists on the server. */
  role: string;
  /** Tables and views in schema fastmoss the role can now SELECT. */
  relations: number;
}

function checkRoleName(role: string): void {
  if (role.length === 0) throw new InvalidRoleNameError('the role name is empty');
  if (role.includes('\0')) throw new InvalidRoleNameError('the role name contains a NUL byte');
  if (Buffer.byteLength(role, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new InvalidRoleNameError(
      `the role name "${role}" is longer than Postgres's ${MAX_IDENTIFIER_BYTES}-byte limit`,
    );
  }
}

/**
 * Lets `role` read the warehouse: USAGE on schema fastmoss, SELECT on every table and view in it
 * now, and SELECT on those created later. Nothing else: the role cannot write.
 *
 * `role` is taken as written, case included (a quoted identifier), and must already exist.
 * Default privileges cover objects created later by the role running this, i.e. the one that
 * runs `migrate`; run it with the same DATABASE_URL as the migrations.
 */
export async function grantReader(pool: pg.Pool, role: string): Promise<GrantReaderResult> {
  checkRoleName(role);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (found.rowCount === 0) {
      throw new RoleNotFoundError(
        `role "${role}" does not exist; create it first, e.g. CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN PASSWORD '...'`,
      );
    }
    // GRANT takes no bind parameters: the name goes in as a quoted identifier instead.
    const grantee = pg.escapeIdentifier(role);
    await client.query(`GRANT USAGE ON SCHEMA fastmoss TO ${grantee}`);
    await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA fastmoss TO ${grantee}`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA fastmoss GRANT SELECT ON TABLES TO ${grantee}`,
    );
    const readable = await client.query<{ relations: string }>(
      `SELECT count(*) AS relations
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'fastmoss' AND c.relkind IN ('r', 'p', 'v', 'm')
          AND has_table_privilege($1, c.oid, 'SELECT')`,
      [role],
    );
    await client.query('COMMIT');
    return { role, relations: Number(readable.rows[0]?.relations ?? 0) };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
