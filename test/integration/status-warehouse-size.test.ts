import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantReader } from '../../src/db/grant-reader.ts';
import { runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/database.ts';

/*
 * `status` shows the warehouse's size by table, read from the catalog: a partitioned table is
 * one table whose size sums its whole partition tree, its partitions listed under it; the reader
 * role sees it, and nothing is written.
 */

const db = await useTestDatabase();
const role = `size_reader_${randomBytes(4).toString('hex')}`;

function asReader(): string {
  const url = new URL(db.url);
  url.username = role;
  url.password = 'reader';
  return url.toString();
}

interface Size {
  name: string;
  bytes: number;
  rowsEstimate: number | null;
  partitions: { name: string; bytes: number; rowsEstimate: number | null; level: number }[];
}

beforeAll(async () => {
  // A two-level partition tree in the warehouse's schema, as the partitioned facts are.
  await db.pool.query(`
    CREATE TABLE fastmoss.size_probe (n int NOT NULL, label text) PARTITION BY RANGE (n);
    CREATE TABLE fastmoss.size_probe_p1 PARTITION OF fastmoss.size_probe FOR VALUES FROM (0) TO (100);
    CREATE TABLE fastmoss.size_probe_p2 PARTITION OF fastmoss.size_probe
      FOR VALUES FROM (100) TO (300) PARTITION BY RANGE (n);
    CREATE TABLE fastmoss.size_probe_p2a PARTITION OF fastmoss.size_probe_p2 FOR VALUES FROM (100) TO (300);
    CREATE INDEX ON fastmoss.size_probe (n);
    INSERT INTO fastmoss.size_probe SELECT n, repeat('x', 200) FROM generate_series(0, 299) n;
    ANALYZE fastmoss.size_probe;
    CREATE TABLE fastmoss.size_never_analyzed (n int);
    INSERT INTO fastmoss.size_never_analyzed SELECT generate_series(1, 10);
  `);
  await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader'`);
  await grantReader(db.pool, role);
});

afterAll(async () => {
  await db.pool.query(`DROP OWNED BY ${role}`);
  await db.pool.query(`DROP ROLE ${role}`);
});

async function totalBytes(tables: string[]): Promise<number> {
  const result = await db.pool.query<{ bytes: string }>(
    `SELECT sum(pg_total_relation_size(to_regclass('fastmoss.' || t))) AS bytes FROM unnest($1::text[]) t`,
    [tables],
  );
  return Number(result.rows[0]?.bytes);
}

describe('status shows the warehouse size by table', () => {
  it('sums a partitioned table over its tree, lists its partitions under it, for the reader role', async () => {
    const runsBefore = await db.pool.query(`SELECT count(*) FROM fastmoss.etl_runs`);
    const result = await runCli(['status', '--json'], { DATABASE_URL: asReader() });
    expect(result.code, result.stderr).toBe(0);
    const size = JSON.parse(result.stdout).size as {
      schema: string;
      tables: Size[];
      totalBytes: number;
    };
    expect(size.schema).toBe('fastmoss');
    const names = size.tables.map((table) => table.name);
    for (const table of [
      'ranking_entries',
      'ranking_top_lives',
      'raw_pages',
      'ranking_snapshots',
      'creators',
    ]) {
      expect(names).toContain(table);
    }
    // Partitions are not tables of their own.
    expect(names.filter((name) => name.startsWith('size_probe'))).toEqual(['size_probe']);
    const probe = size.tables.find((table) => table.name === 'size_probe');
    expect(probe?.partitions.map((p) => [p.name, p.level])).toEqual([
      ['size_probe_p2a', 2],
      ['size_probe_p2', 1],
      ['size_probe_p1', 1],
    ]);
    expect(probe?.bytes).toBe(await totalBytes(['size_probe_p1', 'size_probe_p2a']));
    expect(probe?.bytes).toBeGreaterThan(300 * 200);
    expect(probe?.rowsEstimate).toBe(300);
    expect(probe?.partitions.find((p) => p.name === 'size_probe_p1')?.rowsEstimate).toBe(100);
    // A plain table is a tree of one.
    const plain = size.tables.find((table) => table.name === 'size_never_analyzed');
    expect(plain).toMatchObject({ partitions: [], rowsEstimate: null });
    expect(plain?.bytes).toBe(await totalBytes(['size_never_analyzed']));
    expect(size.totalBytes).toBe(size.tables.reduce((sum, table) => sum + table.bytes, 0));

    const text = await runCli(['status'], { DATABASE_URL: asReader() });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const at = (start: string) => lines.findIndex((line) => line.startsWith(start));
    expect(at('warehouse size: ')).toBeGreaterThan(-1);
    expect(at('size_probe ')).toBeGreaterThan(at('warehouse size: '));
    expect(at('    size_probe_p2a ')).toBe(at('size_probe ') + 1);
    expect(at('  size_probe_p2 ')).toBe(at('size_probe ') + 2);
    expect(at('  size_probe_p1 ')).toBe(at('size_probe ') + 3);
    expect(lines[at('size_never_analyzed ')]).toMatch(
      /^size_never_analyzed\s+[\d.]+ (bytes|kB|MB)\s+\?\s+0$/,
    );

    const runsAfter = await db.pool.query(`SELECT count(*) FROM fastmoss.etl_runs`);
    expect(runsAfter.rows).toEqual(runsBefore.rows);
  });
});
