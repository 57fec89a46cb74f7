import { execFileSync, spawnSync } from 'node:child_process';
import { EmbeddedPostgresUnavailableError } from './errors.ts';

/**
 * Who the embedded Postgres runs as. Postgres refuses to run as root, so as root it runs as the
 * system user `postgres` (created when missing); anyone else runs it as themselves.
 */
export interface PostgresUser {
  /** Set when Postgres runs as another user than this process (this process is root). */
  uid?: number;
  gid?: number;
  name: string;
}

export const POSTGRES_SYSTEM_USER = 'postgres';

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  try {
    const id = Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

function groupExists(name: string): boolean {
  return spawnSync('getent', ['group', name], { stdio: 'ignore' }).status === 0;
}

function createSystemUser(name: string): void {
  const group = groupExists(name) ? ['--gid', name] : ['--user-group'];
  const created = spawnSync(
    'useradd',
    ['--system', ...group, '--no-create-home', '--shell', '/usr/sbin/nologin', name],
    { encoding: 'utf8', stdio: 'pipe' },
  );
  if (created.status !== 0) {
    const reason = (created.stderr || created.error?.message || 'useradd failed').trim();
    throw new EmbeddedPostgresUnavailableError(
      `as root, the embedded Postgres must run as the system user "${name}", which could not be ` +
        `created (${reason.split('\n')[0]}): create it (useradd --system ${name}), ` +
        'run fastmoss-etl as an ordinary user, or set DATABASE_URL',
    );
  }
}

/** The user the embedded Postgres runs as, created as a system user when this process is root. */
export function postgresUser(): PostgresUser {
  if (process.getuid?.() !== 0) return { name: 'the current user' };
  let uid = idOf('-u', POSTGRES_SYSTEM_USER);
  if (uid === undefined) {
    createSystemUser(POSTGRES_SYSTEM_USER);
    uid = idOf('-u', POSTGRES_SYSTEM_USER);
  }
  const gid = idOf('-g', POSTGRES_SYSTEM_USER);
  if (uid === undefined || gid === undefined) {
    throw new EmbeddedPostgresUnavailableError(
      `the system user "${POSTGRES_SYSTEM_USER}" has no uid or gid: fix it, or set DATABASE_URL`,
    );
  }
  return { uid, gid, name: POSTGRES_SYSTEM_USER };
}

/**
 * Whether `user` can enter `dir` (search permission on it and every directory above), asked of
 * the kernel by a shell running as that user, so ACLs and groups count exactly as they will for
 * Postgres (which, like every child node starts with a uid, has no supplementary groups).
 */
export function canEnter(user: PostgresUser, dir: string): boolean {
  if (user.uid === undefined) return true;
  const probe = spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/** Whether `user` can execute the file at `file` (including entering every directory above it). */
export function canExecute(user: PostgresUser, file: string): boolean {
  if (user.uid === undefined) return true;
  const probe = spawnSync('/bin/sh', ['-c', 'test -x "$1" && test -r "$1"', 'sh', file], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
  });
  return probe.status === 0;
}
