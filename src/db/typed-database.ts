import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import * as schema from './schema.ts';

/*
 * Drizzle over a pool, for typed queries. Apart from connect.ts so that opening a pool (every
 * command) does not load drizzle and the schema's table builders (~120 modules).
 */

export type Database = NodePgDatabase<typeof schema>;

/** Drizzle over an existing pool, with the fastmoss tables for typed queries. */
export function createDatabase(pool: pg.Pool): Database {
  return drizzle({ client: pool, schema });
}
