import { describe, expect, it } from 'vitest';
import { arrayLiteral, columnLiteral } from '../../src/db/array-literal.ts';
import { useEmptyDatabase } from '../support/database.ts';

const db = await useEmptyDatabase();

async function readBack<T>(cast: string, literal: string): Promise<T[]> {
  const result = await db.pool.query<{ value: T }>(
    `SELECT value FROM unnest($1::${cast}) WITH ORDINALITY AS a(value, n) ORDER BY n`,
    [literal],
  );
  return result.rows.map((row) => row.value);
}

describe('arrayLiteral', () => {
  it('hands Postgres every text exactly, whatever it holds, and NULL as NULL', async () => {
    const texts = [
      'plain',
      '',
      'NULL',
      'null',
      'NuLl',
      'NULLS',
      '7291972001835992106',
      '2025-01-01',
      '[1:2]={x}',
      'no\u00a0break space',
      'x\vy\fz',
      ' leading and trailing ',
      'a,b',
      '{braces}',
      'quote " inside',
      'backslash \\ inside',
      'ends in a backslash \\',
      '\\"',
      '"',
      'line\nbreak\ttab\rreturn',
      '😀 直播 é',
      null,
    ];
    expect(await readBack<string | null>('text[]', arrayLiteral(texts))).toEqual(texts);
  });

  it('keeps 19-digit ids exact as bigint, and numbers and NULL as int', async () => {
    const ids = ['7291972001835992106', '9223372036854775807', '1', null];
    expect(await readBack<string | null>('bigint[]', arrayLiteral(ids))).toEqual(ids);
    expect(await readBack<number | null>('int[]', arrayLiteral([0, -5, 2147483647, null]))).toEqual(
      [0, -5, 2147483647, null],
    );
  });

  it('writes Dates as the same instants, and dates as days', async () => {
    const first = new Date('2025-03-01T12:34:56.789Z');
    const second = new Date('1999-12-31T23:59:59.001Z');
    const back = await readBack<Date | null>(
      'timestamptz[]',
      arrayLiteral([first, second, first, null]),
    );
    expect(back.map((date) => date?.toISOString() ?? null)).toEqual([
      first.toISOString(),
      second.toISOString(),
      first.toISOString(),
      null,
    ]);
    const days = await db.pool.query<{ day: string }>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day FROM unnest($1::date[]) AS d`,
      [columnLiteral([{ day: '2025-01-31' }, { day: '2024-02-29' }], (row) => row.day)],
    );
    expect(days.rows.map((row) => row.day)).toEqual(['2025-01-31', '2024-02-29']);
  });

  it('writes an empty array as an empty array', async () => {
    expect(await readBack('text[]', arrayLiteral([]))).toEqual([]);
  });
});
