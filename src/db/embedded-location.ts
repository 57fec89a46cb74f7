import { createHash } from 'node:crypto';
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { canEnter, postgresUser } from './postgres-user.ts';

/** Where the embedded default keeps its cluster, relative to the working directory. */
export const EMBEDDED_HOME = '.fastmoss-etl';

/**
 * As root, where a cluster is kept when the `postgres` user (whom Postgres runs as) cannot enter
 * the working directory, e.g. a checkout in /root (mode 700). `.fastmoss-etl/postgres` is then a
 * symlink to it, through which later commands in the same directory find it again.
 */
export const ROOT_CLUSTERS_DIR = '/var/lib/fastmoss-etl';

function kindOf(file: string): 'missing' | 'symlink' | 'other' {
  try {
    return lstatSync(file).isSymbolicLink() ? 'symlink' : 'other';
  } catch {
    return 'missing';
  }
}

/** Where the embedded default for `cwd` is, or would be without a relocation; creates nothing. */
export function existingEmbeddedDataDir(cwd: string): string {
  const home = path.resolve(cwd, EMBEDDED_HOME);
  const link = path.join(home, 'postgres');
  return kindOf(link) === 'symlink' ? path.resolve(home, readlinkSync(link)) : link;
}

/** The data directory of the embedded default for `cwd`, placed (first time) where Postgres can work. */
export async function embeddedDataDir(cwd: string): Promise<string> {
  const home = path.resolve(cwd, EMBEDDED_HOME);
  const link = path.join(home, 'postgres');
  if (kindOf(link) !== 'missing') return existingEmbeddedDataDir(cwd);
  await mkdir(home, { recursive: true });
  const user = postgresUser();
  if (canEnter(user, home)) return link;

  const real = realpathSync(home);
  const id = createHash('sha256').update(real).digest('hex').slice(0, 12);
  const clusterDir = path.join(ROOT_CLUSTERS_DIR, `${path.basename(path.dirname(real))}-${id}`);
  await mkdir(clusterDir, { recursive: true });
  for (const dir of [ROOT_CLUSTERS_DIR, clusterDir]) await chmod(dir, 0o755);
  const dataDir = path.join(clusterDir, 'postgres');
  await symlink(dataDir, link);
  return dataDir;
}
