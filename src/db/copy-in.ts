import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/*
 * COPY ... FROM STDIN, the fastest way into Postgres for many rows: no statement per row, no
 * parameter arrays to encode here and parse again on the server.
 */

/**
 * Runs `statement` (a `COPY ... FROM STDIN`) with `text` in COPY text format, on a client inside
 * a transaction; resolves to the rows copied.
 */
export async function copyIn(
  client: pg.ClientBase,
  statement: string,
  text: string,
): Promise<number> {
  if (text.length === 0) return 0;
  const stream = client.query(copyFrom(statement));
  // 'finish' comes once the server has taken every row; a refused row or a lost connection is
  // an 'error', which `once` rejects with.
  const finished = once(stream, 'finish');
  stream.end(text);
  await finished;
  return stream.rowCount;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;

/** A text value in COPY text format: `\N` for NULL, backslash escapes for the separators. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPED, (char) =>
    char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r',
  );
}

/** A number, id or decimal string (digits, sign, point, exponent: nothing to escape), or NULL. */
export function copyNumber(value: number | string | null): string {
  return value === null ? '\\N' : String(value);
}
