import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, lstat, mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { ROOT_CLUSTERS_DIR } from '../../src/db/embedded-location.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { postgresServersOn, waitFor } from '../support/processes.ts';

const root = await mkdtemp(path.join(tmpdir(), 'fastmoss-etl-embedded-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function query(url: string, text: string): Promise<unknown[]> {
  const pool = createPool(url, { max: 1 });
  try {
    return (await pool.query(text)).rows;
  } finally {
    await pool.end();
  }
}

describe('startEmbeddedPostgres', () => {
  it.runIf(process.getuid?.() === 0)(
    'explains, as root, in one line that the postgres user cannot enter a private directory',
    async () => {
      const start = startEmbeddedPostgres({ dataDir: path.join(root, 'pgdata'), persistent: true });

      // A configuration problem (exit 2), naming the directory and the two ways out.
      await expect(start).rejects.not.toMatchObject({ message: expect.stringContaining('\n') });
      await expect(start).rejects.toMatchObject({
        code: 'ETL_CONFIG',
        message: expect.stringContaining(
          `cannot enter ${root}: allow it (chmod o+x ${root}), or set DATABASE_URL`,
        ),
      });
    },
  );

  it('keeps a persistent cluster: a second start reuses its data instead of initialising', async () => {
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'nested', 'postgres');

    const first = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      await query(first.url, 'create table kept (note text)');
      await query(first.url, "insert into kept values ('still here')");
    } finally {
      await first.stop();
    }

    const second = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      expect(second.port).not.toBe(0);
      expect(await query(second.url, 'select note from kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('an owner killed while its Postgres is still starting leaves no Postgres running and its directory removed', async () => {
    await chmod(root, 0o755);
    const dir = await mkdtemp(path.join(root, 'owner-killed-'));
    await chmod(dir, 0o755);
    const dataDir = path.join(dir, 'pgdata');
    const embedded = new URL('../../src/db/embedded.ts', import.meta.url).href;
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { startEmbeddedPostgres } = await import(${JSON.stringify(embedded)});
         await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, removeOnOwnerExit: ${JSON.stringify(dir)} });
         setInterval(() => {}, 1000);`,
      ],
      { stdio: 'ignore' },
    );
    try {
      // Killed as soon as its Postgres is spawned: before it accepts connections (its start-up
      // takes a while), when the watcher used to be started.
      await waitFor('its Postgres to be spawned', () => postgresServersOn(dataDir).length > 0);
      owner.kill('SIGKILL');
      await waitFor('no Postgres on its data', () => postgresServersOn(dataDir).length === 0);
      await waitFor('its directory removed', () => !existsSync(dir));
    } finally {
      owner.kill('SIGKILL');
    }
  }, 150_000);
});

describe('the embedded default (openDatabase without DATABASE_URL)', () => {
  it.runIf(process.getuid?.() === 0)(
    'as root in a directory the postgres user cannot enter: keeps the cluster in /var/lib behind a symlink, found again next time',
    async () => {
      const home = await mkdtemp(path.join(tmpdir(), 'fastmoss-etl-private-'));
      await chmod(home, 0o700);
      let clusterDir: string | undefined;
      try {
        const announced: string[] = [];
        const first = await openDatabase(undefined, {
          cwd: home,
          announce: (line) => announced.push(line),
        });
        try {
          await first.pool.query('create table kept (note text)');
          await first.pool.query("insert into kept values ('still here')");
        } finally {
          await first.close();
        }
        const link = path.join(home, '.fastmoss-etl', 'postgres');
        expect((await lstat(link)).isSymbolicLink()).toBe(true);
        const dataDir = await readlink(link);
        clusterDir = path.dirname(dataDir);
        expect(path.dirname(clusterDir)).toBe(ROOT_CLUSTERS_DIR);
        expect(announced[0]).toContain(`.fastmoss-etl/postgres -> ${dataDir}`);
        // Postgres's own files, not the checkout's, and nothing of it in the private directory.
        expect(readdirSync(path.join(home, '.fastmoss-etl'))).toEqual(['postgres']);

        const second = await openDatabase(undefined, { cwd: home });
        try {
          const { rows } = await second.pool.query('select note from kept');
          expect(rows).toEqual([{ note: 'still here' }]);
        } finally {
          await second.close();
        }
      } finally {
        await rm(home, { recursive: true, force: true });
        if (clusterDir !== undefined) await rm(clusterDir, { recursive: true, force: true });
      }
      expect(clusterDir !== undefined && existsSync(clusterDir)).toBe(false);
    },
    120_000,
  );
});
