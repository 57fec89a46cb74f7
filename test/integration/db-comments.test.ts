import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.ts';

const db = await useTestDatabase();

describe('schemas fastmoss and fastmoss_private documentation', () => {
  it('has a comment on every column', async () => {
    const { rows } = await db.pool.query<{ column_name: string }>(
      `select c.relname || '.' || a.attname as column_name
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname in ('fastmoss', 'fastmoss_private') and c.relkind in ('r', 'p', 'v', 'm')
          and col_description(c.oid, a.attnum) is null
        order by 1`,
    );
    expect(rows.map((row) => row.column_name)).toEqual([]);
  });

  it('has a comment on every table', async () => {
    const { rows } = await db.pool.query<{ table_name: string }>(
      `select c.relname as table_name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('fastmoss', 'fastmoss_private') and c.relkind in ('r', 'p', 'v', 'm')
          and obj_description(c.oid, 'pg_class') is null`,
    );
    expect(rows.map((row) => row.table_name)).toEqual([]);
  });
});
