import pg from 'pg';
import { EtlError } from '../domain/errors.ts';
import { inTransaction } from './transaction.ts';

/*
 * The monthly partitions of the fact tables (ranking_entries, ranking_top_lives, raw_pages are
 * partitioned by RANGE (period_start), migration 0013), made on demand before a load writes a
 * month that has none, outside the load's transaction.
 *
 * Locks: CREATE TABLE ... PARTITION OF would take ACCESS EXCLUSIVE on the parent, queued behind
 * any running analyst query and blocking every query after it. Instead a partition is made as a
 * standalone table (LIKE the parent, comments included) and then attached: ATTACH PARTITION takes
 * only SHARE UPDATE EXCLUSIVE on the parent (readers and writers go on; it waits only for another
 * ATTACH, VACUUM or index build) and ACCESS EXCLUSIVE on the new, unused table. Cloning the
 * partition's foreign keys takes SHARE ROW EXCLUSIVE on the tables on their other side
 * (creators, ranking_snapshots and ranking_top_lives for entries, ranking_entries and
 * live_streams for top lives, etl_runs for raw pages; the same on Postgres 15 with enforced keys
 * and on 18 with NOT ENFORCED ones, as measured in pg_locks): readers never wait for that, but it waits for other workers' open load
 * transactions, and loads starting meanwhile wait behind it. Each attempt therefore runs with a
 * short lock_timeout (2 s) and is tried again after a pause, so another worker's load waits at
 * most that long, and a partition is made within a few tries of loads that take seconds.
 *
 * Races: processes creating the same month serialise on an advisory lock and find the partition
 * there; each process remembers the months it has seen (per pool). A month whose partition was
 * dropped meanwhile (retention, by hand) fails the load with "no partition found"; the loader
 * forgets what it knew (`forgetPartitions`) and makes it again.
 *
 * No default partition: every row's month gets its own partition before it is written, and a
 * default partition would make each ATTACH scan (and lock) it.
 */

export const PARTITIONED_TABLES = ['ranking_entries', 'ranking_top_lives', 'raw_pages'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** A partition could not be made (locks not granted in time, or refused): the load fails, retryable. */
export class PartitionError extends EtlError {
  readonly code = 'ETL_PARTITION';
}

/** First key of the advisory lock serialising partition creation: "FMPT" in ASCII. */
const PARTITION_LOCK_CLASS_ID = 0x464d5054;
const LOCK_TIMEOUT = '2s';
const ATTEMPTS = 5;
const RETRY_PAUSE_MS = 250;

const MONTH_START = /^(\d{4})-(\d{2})-\d{2}$/;

/** The first day of the month of `day` (YYYY-MM-DD), as YYYY-MM-01. */
export function monthStart(day: string): string {
  const match = MONTH_START.exec(day);
  if (!match) throw new RangeError(`"${day}" is not a YYYY-MM-DD date`);
  return `${match[1]}-${match[2]}-01`;
}

function nextMonthStart(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12
    ? `${year + 1}-01-01`
    : `${String(year).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The partition of `table` holding the month of `day`: e.g. ranking_entries_p2025_03. */
export function partitionName(table: PartitionedTable, day: string): string {
  const month = monthStart(day);
  return `${table}_p${month.slice(0, 4)}_${month.slice(5, 7)}`;
}

const known = new WeakMap<pg.Pool, Set<string>>();

function knownMonths(pool: pg.Pool): Set<string> {
  let months = known.get(pool);
  if (!months) {
    months = new Set();
    known.set(pool, months);
  }
  return months;
}

/** Forgets which months this process found partitioned on `pool`'s database. */
export function forgetPartitions(pool: pg.Pool): void {
  known.delete(pool);
}

/** Postgres's error for a row whose partition does not exist (SQLSTATE 23514). */
export function isMissingPartitionError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (
      'code' in e &&
      e.code === '23514' &&
      /no partition of relation .* found for row/.test(e.message)
    ) {
      return true;
    }
  }
  return false;
}

async function attachedPartitions(
  db: pg.ClientBase | pg.Pool,
  names: string[],
): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = 'fastmoss' AND c.relname = ANY($1::text[])
        AND c.relname LIKE p.relname || '\\_p%'`,
    [names],
  );
  return new Set(rows.map((row) => row.name));
}

function isLockNotGranted(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return code === '55P03' || code === '40P01';
}

/** Makes, in one transaction, the partitions of `month` that are missing. */
async function createMonth(pool: pg.Pool, month: string): Promise<void> {
  const until = nextMonthStart(month);
  await inTransaction(pool, async (tx) => {
    await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      PARTITION_LOCK_CLASS_ID,
      month,
    ]);
    const names = PARTITIONED_TABLES.map((table) => partitionName(table, month));
    const there = await attachedPartitions(tx, names);
    for (const table of PARTITIONED_TABLES) {
      const name = partitionName(table, month);
      if (there.has(name)) continue;
      await tx.query('SAVEPOINT partition');
      try {
        // Names and bounds are ours (table names, YYYY-MM-01 dates), quoted all the same.
        await tx.query(
          `CREATE TABLE IF NOT EXISTS fastmoss.${pg.escapeIdentifier(name)}
             (LIKE fastmoss.${pg.escapeIdentifier(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS
              INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS)`,
        );
        await tx.query(
          `ALTER TABLE fastmoss.${pg.escapeIdentifier(table)}
             ATTACH PARTITION fastmoss.${pg.escapeIdentifier(name)}
             FOR VALUES FROM (${pg.escapeLiteral(month)}) TO (${pg.escapeLiteral(until)})`,
        );
        const comment = `The rows of ${table} whose period starts in ${month.slice(0, 7)} (a partition; query ${table} itself).`;
        await tx.query(
          `COMMENT ON TABLE fastmoss.${pg.escapeIdentifier(name)} IS ${pg.escapeLiteral(comment)}`,
        );
        await tx.query('RELEASE SAVEPOINT partition');
      } catch (error) {
        // 42P17: a partition made by hand (pg_partman, another naming) covers the month already.
        if (!(error instanceof Error && 'code' in error && error.code === '42P17')) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT partition');
      }
    }
  });
}

/**
 * Makes sure every fact table has the partition of the month of each day in `periodStarts`
 * (YYYY-MM-DD). Call before the load's transaction. Months already seen by this process cost
 * nothing; others one catalog query, and those missing a short transaction each. Throws
 * PartitionError when the locks could not be had after a few tries.
 */
export async function ensurePartitions(
  pool: pg.Pool,
  periodStarts: Iterable<string>,
): Promise<void> {
  const seen = knownMonths(pool);
  const months = [...new Set([...periodStarts].map(monthStart))].filter((m) => !seen.has(m)).sort();
  if (months.length === 0) return;
  const expected = months.flatMap((month) =>
    PARTITIONED_TABLES.map((table) => partitionName(table, month)),
  );
  const there = await attachedPartitions(pool, expected);
  for (const month of months) {
    if (PARTITIONED_TABLES.every((table) => there.has(partitionName(table, month)))) {
      seen.add(month);
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await createMonth(pool, month);
        break;
      } catch (error) {
        if (!isLockNotGranted(error) || attempt === ATTEMPTS) {
          const waited = isLockNotGranted(error)
            ? ` (locks not granted within ${LOCK_TIMEOUT}, ${attempt} tries)`
            : '';
          throw new PartitionError(
            `could not create the ${month.slice(0, 7)} partitions of the fact tables${waited}: ${
              error instanceof Error ? error.message : String(error)
            }; the ranking is tried again by the next run`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * attempt));
      }
    }
    seen.add(month);
  }
}
