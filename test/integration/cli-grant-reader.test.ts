import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';

it('grant-reader lets an existing role read every view and refuses an unknown role with exit 2', async () => {
  const db = await useTestDatabase();
  const role = `bi_reader_${randomBytes(4).toString('hex')}`;
  await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader'`);
  try {
    const granted = await runCli(['grant-reader', role], { DATABASE_URL: db.url });
    expect(granted.code).toBe(0);
    expect(granted.stdout).toContain(`role "${role}" can read schema fastmoss`);

    const reader = new URL(db.url);
    reader.username = role;
    reader.password = 'reader';
    const { createPool } = await import('../../src/db/connect.ts');
    const pool = createPool(reader.toString(), { max: 1 });
    try {
      const rows = await pool.query('SELECT count(*) AS n FROM fastmoss.v_rankings');
      expect(rows.rows).toEqual([{ n: '0' }]);
      await expect(pool.query('DELETE FROM fastmoss.creators')).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await pool.end();
    }

    const unknown = await runCli(['grant-reader', `${role}_missing`], { DATABASE_URL: db.url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('does not exist');
  } finally {
    await db.pool.query(`DROP OWNED BY ${role}`);
    await db.pool.query(`DROP ROLE ${role}`);
  }
});
