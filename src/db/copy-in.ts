import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/*
 * COPY ... FROM STDIN, the fastest way into Postgres for many rows: no statement per row, no
 * parameter arrays to encode here and parse again on the server.
 */

/**
 * Runs `statement` (a `COPY ... FROM STDIN`) with `chunks`, in order, as its COPY text-format
 * input, on a client inside a transaction; resolves to the rows copied. A row may span chunks
 * (a raw page goes as its fields, its body and the rest, so the 60 kB body is never copied into
 * a larger string). Each chunk is encoded and sent in turn, waiting while the connection's
 * buffer is full, so the bytes in flight stay bounded however large the batch.
 */
export async function copyIn(
  client: pg.ClientBase,
  statement: string,
  chunks: readonly string[],
): Promise<number> {
  if (!chunks.some((chunk) => chunk.length > 0)) return 0;
  const stream = client.query(copyFrom(statement));
  // 'finish' comes once the server has taken every row; a refused row or a lost connection is
  // an 'error', which `once` rejects with (awaited below, after the last chunk).
  const finished = once(stream, 'finish');
  finished.catch(() => undefined);
  for (const chunk of chunks) {
    if (stream.errored || stream.destroyed) break;
    if (chunk.length === 0) continue;
    if (!stream.write(chunk)) {
      await Promise.race([once(stream, 'drain'), finished]);
    }
  }
  if (!stream.errored && !stream.destroyed) stream.end();
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
