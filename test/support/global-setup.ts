import type { TestProject } from 'vitest/node';
import { createPool } from '../../src/db/connect.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { databaseUrl, startTestPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test server's maintenance database; test files create their databases there. */
    postgresServerUrl: string;
    /** The migrated database each test file's database is copied from. */
    postgresTemplateDatabase: string;
  }
}

/**
 * Once per test run: find a Postgres, migrate a template database, hand both to the test files.
 * The template name carries the pid so concurrent runs against one TEST_DATABASE_URL don't clash.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestPostgres();
  const template = `fastmoss_template_${process.pid}`;
  const admin = createPool(server.url, { max: 1 });
  try {
    const { rows } = await admin.query<{ server_version: string }>('show server_version');
    console.log(`tests run on PostgreSQL ${rows[0]?.server_version ?? '?'} from ${server.source}`);
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.query(`create database ${template}`);
    await migrateDatabase(databaseUrl(server.url, template));
  } catch (error) {
    await admin.end();
    await server.stop();
    throw error;
  }

  project.provide('postgresServerUrl', server.url);
  project.provide('postgresTemplateDatabase', template);

  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
    await server.stop();
  };
}
