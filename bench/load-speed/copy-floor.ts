import type pg from 'pg';
import { createPool } from '../../src/db/connect.ts';
import { ensurePartitions } from '../../src/db/partitions.ts';
import { copyFromStdin, copyText } from '../support/copy-from-stdin.ts';

/** Tables the pipeline fills, parents first; the floor times only the last two. */
const PREREQUISITES = ['creator_categories', 'creators', 'live_streams', 'ranking_snapshots'];
const TIMED = ['ranking_entries', 'ranking_top_lives'];

export interface CopyFloor {
  durationMs: number;
  rows: Record<string, number>;
  bytes: number;
}

async function columnsOf(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string }>(
    `select column_name from information_schema.columns
      where table_schema = 'fastmoss' and table_name = $1
        and is_generated = 'NEVER' order by ordinal_position`,
    [table],
  );
  return rows.map((row) => row.column_name);
}

/** A table's rows as COPY text, every value cast to text by Postgres so nothing is reformatted. */
async function tableAsCopyText(pool: pg.Pool, table: string, columns: string[]): Promise<Buffer> {
  const select = columns.map((column) => `${column}::text`).join(', ');
  const { rows } = await pool.query<(string | null)[]>({
    text: `select ${select} from fastmoss.${table}`,
    rowMode: 'array',
  });
  const lines = rows.map((values) => `${values.map(copyText).join('\t')}\n`);
  return Buffer.from(lines.join(''), 'utf8');
}

function copyStatement(table: string, columns: string[]): string {
  return `copy fastmoss.${table} (${columns.join(', ')}) from stdin`;
}

/**
 * The rows the pipeline loaded into `sourceUrl`, copied with real `COPY ... FROM STDIN` into the
 * empty, migrated `targetUrl`: parents first, untimed; then entries and top lives, timed, in one
 * transaction, so constraints and indexes cost what they cost the pipeline.
 */
export async function measureCopyFloor(sourceUrl: string, targetUrl: string): Promise<CopyFloor> {
  const source = createPool(sourceUrl, { max: 1 });
  const target = createPool(targetUrl, { max: 1 });
  // The fact tables are partitioned by month: the months of the loaded snapshots, made first.
  const { rows: months } = await source.query<{ start: string }>(
    'SELECT DISTINCT period_start::text AS start FROM fastmoss.ranking_snapshots',
  );
  await ensurePartitions(
    target,
    months.map((month) => month.start),
  );
  const client = await target.connect();
  try {
    // COPY writes given values into a GENERATED ALWAYS identity (snapshot ids) as they are.
    for (const table of PREREQUISITES) {
      // run_id points at etl_runs, which the floor has no reason to copy.
      const columns = (await columnsOf(source, table)).filter((column) => column !== 'run_id');
      await copyFromStdin(
        client,
        copyStatement(table, columns),
        await tableAsCopyText(source, table, columns),
      );
    }
    const timed: { table: string; statement: string; data: Buffer }[] = [];
    for (const table of TIMED) {
      const columns = await columnsOf(source, table);
      timed.push({
        table,
        statement: copyStatement(table, columns),
        data: await tableAsCopyText(source, table, columns),
      });
    }
    const rows: Record<string, number> = {};
    const started = performance.now();
    await client.query('begin');
    for (const { table, statement, data } of timed) {
      rows[table] = await copyFromStdin(client, statement, data);
    }
    await client.query('commit');
    const durationMs = performance.now() - started;
    return { durationMs, rows, bytes: timed.reduce((sum, { data }) => sum + data.length, 0) };
  } finally {
    client.release();
    await source.end();
    await target.end();
  }
}
