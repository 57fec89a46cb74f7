import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { MIGRATIONS_FOLDER, MIGRATIONS_SCHEMA, MIGRATIONS_TABLE } from '../../src/db/migrate.ts';
import type { TestDatabase } from './database.ts';

interface JournalEntry {
  tag: string;
}

/**
 * Applies the committed migrations that `keep` leaves of the journal's entries (in order): a
 * database as an older release left it, for tests of a migration or of an older schema. Returns
 * the tag of the last one applied.
 */
export async function migrateKeeping(
  db: TestDatabase,
  keep: (entries: JournalEntry[]) => JournalEntry[] | Promise<JournalEntry[]>,
): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'fastmoss-etl-partway-'));
  try {
    await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalFile = path.join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(await readFile(journalFile, 'utf8')) as { entries: JournalEntry[] };
    journal.entries = await keep(journal.entries);
    await writeFile(journalFile, JSON.stringify(journal));
    const client = await db.pool.connect();
    try {
      await migrate(drizzle({ client }), {
        migrationsFolder: folder,
        migrationsSchema: MIGRATIONS_SCHEMA,
        migrationsTable: MIGRATIONS_TABLE,
      });
    } finally {
      client.release();
    }
    return journal.entries[journal.entries.length - 1]?.tag ?? '';
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Applies the committed migrations before the one whose tag ends with `tag` or, with `through`,
 * up to and including it.
 */
export async function migratePartway(
  db: TestDatabase,
  tag: string,
  options: { through: boolean },
): Promise<void> {
  await migrateKeeping(db, (entries) => {
    const at = entries.findIndex((entry) => entry.tag.endsWith(tag));
    if (at < 1) throw new Error(`no migration tagged ${tag} after the first`);
    return entries.slice(0, options.through ? at + 1 : at);
  });
}
