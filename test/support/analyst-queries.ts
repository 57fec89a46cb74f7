import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** docs/queries.sql, the analysts' questions answered in SQL. */
export const QUERIES_FILE = fileURLToPath(new URL('../../docs/queries.sql', import.meta.url));

export interface AnalystQuery {
  name: string;
  /** The one-line question under the name line. */
  question: string;
  sql: string;
}

const NAME_LINE = /^-- name: (\S+)\s*$/;

/** The queries of docs/queries.sql, in file order, split on their `-- name:` lines. */
export async function readAnalystQueries(file = QUERIES_FILE): Promise<AnalystQuery[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const queries: AnalystQuery[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const finish = () => {
    if (!current) return;
    const sql = current.lines.join('\n').trim();
    const question = /^-- (.+)$/.exec(current.lines[0] ?? '')?.[1] ?? '';
    queries.push({ name: current.name, question, sql });
  };
  for (const line of lines) {
    const name = NAME_LINE.exec(line)?.[1];
    if (name !== undefined) {
      finish();
      current = { name, lines: [] };
    } else {
      current?.lines.push(line);
    }
  }
  finish();
  return queries;
}
