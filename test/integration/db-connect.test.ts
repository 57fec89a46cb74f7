import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.ts';

const db = await useTestDatabase();

describe('createPool', () => {
  it('returns bigint, numeric and date values as exact strings, never JS numbers or Dates', async () => {
    const { rows } = await db.pool.query(
      `select 7291972001835992106::bigint as uid, 958762.84::numeric as gmv,
              12345678901234567890.123456789::numeric as big, '2026-04-01'::date as day,
              array[7291972001835992106]::bigint[] as uids`,
    );
    expect(rows).toEqual([
      {
        uid: '7291972001835992106',
        gmv: '958762.84',
        big: '12345678901234567890.123456789',
        day: '2026-04-01',
        uids: ['7291972001835992106'],
      },
    ]);
  });

  it('names its connections fastmoss-etl in pg_stat_activity', async () => {
    const { rows } = await db.pool.query('select current_setting($1) as name', [
      'application_name',
    ]);
    expect(rows).toEqual([{ name: 'fastmoss-etl' }]);
  });
});
