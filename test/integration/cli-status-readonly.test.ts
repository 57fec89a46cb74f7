import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantReader } from '../../src/db/grant-reader.ts';
import { MIGRATIONS_FOLDER, MIGRATIONS_SCHEMA, MIGRATIONS_TABLE } from '../../src/db/migrate.ts';
import { runCli } from '../support/cli.ts';
import { type TestDatabase, useEmptyDatabase, useTestDatabase } from '../support/database.ts';
import { migrateKeeping } from '../support/migrate-partway.ts';

/*
 * `status` reads, never writes: on an unmigrated or older database it says so in one line
 * (exit 1) and changes nothing; it works for the role grant-reader makes.
 */

const current = await useTestDatabase();
const empty = await useEmptyDatabase();
const older = await useEmptyDatabase();
// The reader role cannot read the migration bookkeeping, so it finds an older database by the
// columns this version reads; a migration that only re-creates views is invisible to it (and
// changes nothing status reads).
const olderColumns = await useEmptyDatabase();
const role = `status_reader_${randomBytes(4).toString('hex')}`;

function as(db: TestDatabase, user: string, password: string): string {
  const url = new URL(db.url);
  url.username = user;
  url.password = password;
  return url.toString();
}

/** Whether a migration's SQL adds a column status could find missing (a new table or column). */
async function addsColumns(tag: string): Promise<boolean> {
  const sql = await readFile(path.join(MIGRATIONS_FOLDER, `${tag}.sql`), 'utf8');
  return /\b(CREATE TABLE|ADD COLUMN)\b/i.test(sql);
}

/**
 * Migrates `db` with the committed migrations but the newest (`through: 'columns'`: but every
 * one from the newest that adds a column on): a database one version behind.
 */
async function migrateAllButLast(
  db: TestDatabase,
  through: 'last' | 'columns' = 'last',
): Promise<string> {
  return migrateKeeping(db, async (entries) => {
    const kept = [...entries];
    for (;;) {
      const dropped = kept.pop();
      if (through === 'last' || dropped === undefined || (await addsColumns(dropped.tag))) break;
    }
    return kept;
  });
}

let olderTag: string;

beforeAll(async () => {
  await current.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader'`);
  await grantReader(current.pool, role);
  olderTag = await migrateAllButLast(older);
  await grantReader(older.pool, role);
  await migrateAllButLast(olderColumns, 'columns');
  await grantReader(olderColumns.pool, role);
});

afterAll(async () => {
  for (const db of [current, older, olderColumns]) {
    await db.pool.query(`DROP OWNED BY ${role}`);
  }
  await current.pool.query(`DROP ROLE ${role}`);
});

/** Schemas and applied migrations: what a status that wrote something would have changed. */
async function footprint(db: TestDatabase) {
  const schemas = await db.pool.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fastmoss%' ORDER BY 1`,
  );
  const migrations = await db.pool
    .query<{ n: string }>(`SELECT count(*) AS n FROM ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`)
    .then((result) => Number(result.rows[0]?.n))
    .catch(() => 0);
  return { schemas: schemas.rows.map((row) => row.nspname), migrations };
}

function expectOneLine(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/ETL_MIGRATE|could not apply/);
}

describe('status on a database it cannot report on', () => {
  it('an unmigrated database: one line saying so, exit 1, and no schema created', async () => {
    for (const flags of [[], ['--json']]) {
      const result = await runCli(['status', ...flags], { DATABASE_URL: empty.url });
      expectOneLine(result);
      expect(result.stderr).toMatch(/has no fastmoss-etl tables yet: run `fastmoss-etl migrate`/);
    }
    expect(await footprint(empty)).toEqual({ schemas: [], migrations: 0 });
  });

  it('a database one migration behind: one line naming both migrations, exit 1, nothing migrated', async () => {
    const before = await footprint(older);
    const result = await runCli(['status'], { DATABASE_URL: older.url });
    expectOneLine(result);
    expect(result.stderr).toContain(`is at migration ${olderTag}, older than this fastmoss-etl`);
    expect(await footprint(older)).toEqual(before);
  });

  it('a database behind by a migration that adds columns, as the read-only role: one line, exit 1', async () => {
    for (const flags of [[], ['--json']]) {
      const result = await runCli(['status', ...flags], {
        DATABASE_URL: as(olderColumns, role, 'reader'),
      });
      expectOneLine(result);
      expect(result.stderr).toMatch(/older than this fastmoss-etl/);
    }
  });
});

describe('status as the read-only role', () => {
  it('reports, in text and JSON, without migrating and without write privileges', async () => {
    const before = await footprint(current);
    const url = as(current, role, 'reader');
    const json = await runCli(['status', '--json'], { DATABASE_URL: url });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ runs: [], failuresTotal: 0 });
    const text = await runCli(['status'], { DATABASE_URL: url });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('last runs: none');
    expect(text.stderr).toBe('');
    expect(await footprint(current)).toEqual(before);
  });
});
