/*
 * Postgres array literals (`{"a","b",NULL}`) written here for the batch upserts' `unnest`
 * parameters, instead of handing pg JavaScript arrays: pg's own array serialiser runs two regex
 * replaces and a type dispatch per element and formats every Date field by field, ~1.2 s of the
 * ETL's CPU per 300 rankings (the creators' and live streams' ~4,000 rows a batch x 20 arrays).
 * A string parameter reaches the server as is, and the statement's cast (`$1::bigint[]`) reads it.
 */

/** Text that may stand in the literal unquoted: no separator, quote, brace, space, escape. */
const PLAIN = /^[^\s{}",\\]+$/;
const ESCAPED = /["\\]/g;

/** One element: as it is when it is plain (ids, codes, dates), else quoted with `"`, `\` escaped. */
function element(text: string): string {
  if (PLAIN.test(text) && !(text.length === 4 && text.toUpperCase() === 'NULL')) return text;
  return `"${text.replace(ESCAPED, '\\$&')}"`;
}

/**
 * The array literal of `values`: strings as themselves (quoted where they need it, so any text,
 * also `NULL`, an empty one, or one with commas and braces, stays itself), numbers as their
 * digits, Dates as ISO timestamps in UTC, null as NULL. Built as one join of the elements, most
 * of them the strings already held, so a literal costs one allocation rather than several an
 * element.
 */
export function arrayLiteral(values: readonly (string | number | Date | null)[]): string {
  const parts: string[] = new Array(values.length);
  // The rows of a batch share a handful of fetch times: each is formatted once.
  const dates = new Map<Date, string>();
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) parts[i] = 'NULL';
    else if (typeof value === 'string') parts[i] = element(value);
    else if (typeof value === 'number') parts[i] = String(value);
    else {
      let date = dates.get(value);
      if (date === undefined) {
        date = `"${value.toISOString()}"`;
        dates.set(value, date);
      }
      parts[i] = date;
    }
  }
  return `{${parts.join(',')}}`;
}

/** `arrayLiteral` of one field of every row. */
export function columnLiteral<T>(
  rows: readonly T[],
  pick: (row: T) => string | number | Date | null,
): string {
  return arrayLiteral(rows.map(pick));
}
