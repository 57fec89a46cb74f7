import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

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
});
