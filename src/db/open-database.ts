import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type pg from 'pg';
import { createPool } from './connect.ts';
import { checkConnection } from './connection-check.ts';
import { findFreePort, startEmbeddedPostgres } from './embedded.ts';
import { EMBEDDED_HOME, embeddedDataDir, existingEmbeddedDataDir } from './embedded-location.ts';
import { SchemaNotReadyError } from './errors.ts';

export interface OpenDatabase {
  url: string;
  pool: pg.Pool;
  /** Set when this process started the embedded cluster (and stops it on close). */
  embedded: boolean;
  close(): Promise<void>;
}

/** The port of an embedded cluster another process already runs on `dataDir`, if any. */
function runningClusterPort(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  // postmaster.pid: line 1 the pid, line 4 the port (Postgres's documented layout).
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

function portFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), 'port');
}

/** The port used last time when it is still free, so a BI tool's saved connection keeps working. */
async function stablePort(dataDir: string): Promise<number> {
  const file = portFile(dataDir);
  const previous = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : Number.NaN;
  if (Number.isInteger(previous) && previous > 0 && (await isPortFree(previous))) return previous;
  return findFreePort();
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The Postgres to load: `DATABASE_URL` when set; otherwise the embedded default under
 * `.fastmoss-etl/` in the working directory, started for this command (or shared with another
 * fastmoss-etl process already running it), its URL told through `announce`.
 */
export async function openDatabase(
  databaseUrl: string | undefined,
  options: {
    cwd?: string;
    announce?: (message: string) => void;
    poolMax?: number;
    /** Read-only callers (status): an embedded cluster that does not exist yet is not created. */
    existingOnly?: boolean;
  } = {},
): Promise<OpenDatabase> {
  if (databaseUrl !== undefined) {
    const pool = createPool(databaseUrl, { max: options.poolMax });
    try {
      await checkConnection(pool, databaseUrl);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return { url: databaseUrl, pool, embedded: false, close: () => pool.end() };
  }
  const cwd = options.cwd ?? process.cwd();
  if (options.existingOnly === true) {
    const existing = existingEmbeddedDataDir(cwd);
    if (!existsSync(path.join(existing, 'PG_VERSION'))) {
      throw new SchemaNotReadyError(
        `no embedded database in ${path.relative(cwd, existing) || existing} yet, so nothing is loaded: ` +
          'run a backfill (or the demo) here first, or set DATABASE_URL',
      );
    }
  }
  const dataDir = await embeddedDataDir(cwd);
  const sharedPort = runningClusterPort(dataDir);
  let stop: (() => Promise<void>) | undefined;
  let serverUrl: string;
  if (sharedPort !== undefined) {
    serverUrl = `postgres://postgres:postgres@127.0.0.1:${sharedPort}/postgres`;
  } else {
    const server = await startEmbeddedPostgres({
      dataDir,
      persistent: true,
      port: await stablePort(dataDir),
    });
    writeFileSync(portFile(dataDir), `${server.port}\n`);
    serverUrl = server.url;
    stop = server.stop;
  }
  const inCwd = path.relative(cwd, dataDir);
  const where =
    inCwd.startsWith('..') || path.isAbsolute(inCwd)
      ? `${path.join(EMBEDDED_HOME, 'postgres')} -> ${dataDir}`
      : inCwd;
  // The maintenance database `postgres` holds the warehouse: no extra database to create.
  const url = withDatabase(serverUrl, 'postgres');
  options.announce?.(`embedded Postgres (${where}): ${url}`);
  const pool = createPool(url, { max: options.poolMax });
  return {
    url,
    pool,
    embedded: stop !== undefined,
    async close() {
      await pool.end();
      await stop?.();
    },
  };
}
