import { describe, expect, it } from 'vitest';
import { copyIn, copyText } from '../../src/db/copy-in.ts';
import { inTransaction } from '../../src/db/transaction.ts';
import { useEmptyDatabase } from '../support/database.ts';

const db = await useEmptyDatabase();
await db.pool.query('CREATE TABLE copied (n int NOT NULL, body text)');

async function copied(): Promise<{ n: number; body: string | null }[]> {
  const result = await db.pool.query<{ n: number; body: string | null }>(
    'SELECT n, body FROM copied ORDER BY n',
  );
  return result.rows;
}

describe('copyIn', () => {
  it('copies rows that span chunks, in order, and counts them', async () => {
    await db.pool.query('TRUNCATE copied');
    const body = `{"a":"tab\there","b":"back\\\\slash","c":"line\nbreak"} ${'x'.repeat(70_000)}`;
    const rows = await inTransaction(db.pool, (tx) =>
      copyIn(tx, 'COPY copied (n, body) FROM STDIN', [
        '1\t',
        copyText(body),
        '\n2\t\\N\n',
        '',
        '3\tthree\n',
      ]),
    );
    expect(rows).toBe(3);
    expect(await copied()).toEqual([
      { n: 1, body },
      { n: 2, body: null },
      { n: 3, body: 'three' },
    ]);
  });

  it('sends many megabytes through a full connection buffer', async () => {
    await db.pool.query('TRUNCATE copied');
    const page = 'y'.repeat(60_000);
    const chunks = Array.from({ length: 200 }, (_, index) => `${index}\t${page}\n`);
    const rows = await inTransaction(db.pool, (tx) =>
      copyIn(tx, 'COPY copied (n, body) FROM STDIN', chunks),
    );
    expect(rows).toBe(200);
    const result = await db.pool.query<{ rows: string; bytes: string }>(
      'SELECT count(*) AS rows, sum(length(body)) AS bytes FROM copied',
    );
    expect(result.rows[0]).toEqual({ rows: '200', bytes: String(200 * 60_000) });
  });

  it('rejects with the server error for a refused row, copies nothing, and the pool goes on', async () => {
    await db.pool.query('TRUNCATE copied');
    const chunks = [
      '1\tfine\n',
      ...Array.from({ length: 100 }, (_, i) => `${i + 2}\t${'z'.repeat(50_000)}\n`),
      'not a number\tbad\n',
      ...Array.from({ length: 100 }, (_, i) => `${i + 200}\t${'z'.repeat(50_000)}\n`),
    ];
    await expect(
      inTransaction(db.pool, (tx) => copyIn(tx, 'COPY copied (n, body) FROM STDIN', chunks)),
    ).rejects.toThrow(/invalid input syntax for type integer/);
    expect(await copied()).toEqual([]);
    expect((await db.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('runs no COPY for no rows', async () => {
    const rows = await inTransaction(db.pool, (tx) =>
      copyIn(tx, 'COPY no_such_table FROM STDIN', ['', '']),
    );
    expect(rows).toBe(0);
  });
});
