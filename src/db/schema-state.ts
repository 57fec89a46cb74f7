import { readFileSync } from 'node:fs';
import path from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { z } from 'zod';
import { databaseLabel } from './connection-check.ts';
import { SchemaNotReadyError } from './errors.ts';
import {
  LEGACY_MIGRATIONS_SCHEMA,
  MIGRATIONS_FOLDER,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
} from './migrate.ts';
import * as schema from './schema.ts';

/*
 * Whether a database is migrated as far as this version of fastmoss-etl needs, found by reading
 * only (status must work for the read-only role and must never migrate).
 */

/** The query for the newest applied migration, by the schema the bookkeeping is found in. */
const LAST_APPLIED_QUERIES = new Map(
  [MIGRATIONS_SCHEMA, LEGACY_MIGRATIONS_SCHEMA].map((schema) => [
    schema,
    `SELECT max(created_at)::text AS last
     FROM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(MIGRATIONS_TABLE)}`,
  ]),
);

const journalSchema = z.object({
  entries: z.array(z.object({ tag: z.string(), when: z.number() })).min(1),
});

/** The committed migrations, oldest first, as drizzle-kit's journal lists them. */
function journal(): { tag: string; when: number }[] {
  const text = readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8');
  return journalSchema.parse(JSON.parse(text)).entries;
}

/**
 * Throws a SchemaNotReadyError, one line naming the database and what to run, when the database
 * has no fastmoss schema or its recorded migrations stop short of this version's. Where the
 * migration bookkeeping cannot be read (the reader role), only the schema's presence is checked
 * here; see `schemaErrorOf` for what the reads themselves then reveal.
 */
export async function checkSchemaCurrent(pool: pg.Pool, url: string): Promise<void> {
  const database = databaseLabel(url);
  // The bookkeeping where this version keeps it, else where earlier versions did; found through
  // the catalogs, which every role can read, and read only where this role may.
  const { rows } = await pool.query<{ has_schema: boolean; bookkeeping: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'fastmoss') AS has_schema,
            (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = ANY($1::text[]) AND c.relname = $2
                AND has_table_privilege(c.oid, 'SELECT')
              ORDER BY array_position($1::text[], n.nspname::text) LIMIT 1) AS bookkeeping`,
    [[MIGRATIONS_SCHEMA, LEGACY_MIGRATIONS_SCHEMA], MIGRATIONS_TABLE],
  );
  const state = rows[0];
  if (state?.has_schema !== true) {
    throw new SchemaNotReadyError(
      `the database ${database} has no fastmoss-etl tables yet: run \`fastmoss-etl migrate\` (or a backfill) first`,
    );
  }
  const lastAppliedQuery = LAST_APPLIED_QUERIES.get(state.bookkeeping ?? '');
  if (lastAppliedQuery === undefined) {
    await checkColumnsPresent(pool, database);
    return;
  }
  const applied = await pool.query<{ last: string | null }>(lastAppliedQuery);
  const lastApplied = Number(applied.rows[0]?.last ?? 0);
  const migrations = journal();
  const needed = migrations[migrations.length - 1];
  if (needed !== undefined && lastApplied < needed.when) {
    const at = [...migrations].reverse().find((migration) => migration.when <= lastApplied);
    throw new SchemaNotReadyError(
      `the database ${database} is at migration ${at?.tag ?? 'none'}, older than this fastmoss-etl ` +
        `(${needed.tag}): run \`fastmoss-etl migrate\` first`,
    );
  }
}

/** Every schema.table.column src/db/schema.ts describes. */
function expectedColumns(): string[] {
  const values: unknown[] = Object.values(schema);
  return values
    .filter((value): value is PgTable => is(value, PgTable))
    .flatMap((table) => {
      const config = getTableConfig(table);
      return config.columns.map((column) => `${config.schema}.${config.name}.${column.name}`);
    });
}

/**
 * For a role that cannot read the migration bookkeeping: every column this version reads must be
 * in the catalogs (which every role can read), else the database is older than this version.
 */
async function checkColumnsPresent(pool: pg.Pool, database: string): Promise<void> {
  const expected = expectedColumns();
  const { rows } = await pool.query<{ missing: string }>(
    `SELECT e.name AS missing
       FROM unnest($1::text[]) AS e(name)
      WHERE NOT EXISTS (
        SELECT 1 FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname || '.' || c.relname || '.' || a.attname = e.name
           AND a.attnum > 0 AND NOT a.attisdropped)
      ORDER BY 1 LIMIT 1`,
    [expected],
  );
  const missing = rows[0]?.missing;
  if (missing !== undefined) {
    throw new SchemaNotReadyError(
      `the database ${database} is older than this fastmoss-etl (it has no column ${missing}): ` +
        'have its owner run `fastmoss-etl migrate`',
    );
  }
}

/** SQLSTATEs of reading a table, column or schema that is not there. */
const MISSING_OBJECT = new Set(['42P01', '42703', '3F000', '42883']);

/**
 * For a read that failed because the schema lacks what it reads (the role could not see the
 * migration bookkeeping, so `checkSchemaCurrent` could not tell): the one-line error to show.
 */
export function schemaErrorOf(error: unknown, url: string): SchemaNotReadyError | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') {
    return undefined;
  }
  if (!MISSING_OBJECT.has(error.code)) return undefined;
  return new SchemaNotReadyError(
    `the database ${databaseLabel(url)} is older than this fastmoss-etl (${error.message}): ` +
      'have its owner run `fastmoss-etl migrate`',
    { cause: error },
  );
}
