import type { Config } from '../config.ts';
import { callsToday } from '../db/api-budget.ts';
import { openDatabase } from '../db/open-database.ts';
import { checkSchemaCurrent, schemaErrorOf } from '../db/schema-state.ts';
import { readStatusReport, type StatusReport } from '../db/status-report.ts';
import { readWarehouseSize, type WarehouseSize } from '../db/table-sizes.ts';
import { ConfigError } from '../domain/errors.ts';
import { formatBytes } from '../observe/bytes.ts';
import { formatDuration } from '../observe/duration.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { formatTable } from './format-table.ts';
import { createCommandLogger } from './runtime.ts';

export async function status(
  config: Config,
  flags: { json?: boolean; runs: string },
): Promise<ExitCode> {
  const runs = Number(flags.runs);
  if (!Number.isInteger(runs) || runs < 0 || runs > 1000) {
    throw new ConfigError(`--runs must be an integer from 0 to 1000, got '${flags.runs}'`);
  }
  const logger = createCommandLogger(config);
  // Reads only: never migrates, never creates an embedded cluster, works for the reader role.
  const db = await openDatabase(config.databaseUrl, {
    announce: (message) => logger.info(message),
    existingOnly: true,
  });
  try {
    await checkSchemaCurrent(db.pool, db.url);
    const report: StatusWithSpend = await readStatusReport(db.pool, { runs })
      .then(async (read) => ({
        ...read,
        apiCallsToday: {
          api: config.baseUrl,
          ...(await callsToday(db.pool, config.baseUrl)),
          cap: config.maxCallsPerDay ?? null,
        },
        size: await readWarehouseSize(db.pool),
      }))
      .catch((error: unknown) => {
        throw schemaErrorOf(error, db.url) ?? error;
      });
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatStatus(report)}\n`);
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

/** A run's status as listed: the reason beside it when it did not load everything. */
function runStatusText(run: StatusReport['runs'][number]): string {
  if (run.end === null) return run.status;
  return run.status === run.end.reason ? run.status : `${run.status} (${run.end.reason})`;
}

/** One line per run that ended short, with its reason in words. */
function runEndLines(report: StatusReport): string[] {
  return report.runs
    .filter((run) => run.end !== null)
    .map((run) => {
      const when = run.status === 'abandoned' ? ` (seen gone ${run.abandonedAt ?? '?'})` : '';
      return `  run ${run.id} ${run.status}${when}: ${run.end?.message ?? run.end?.reason ?? ''}`;
    });
}

/** Today's API calls (UTC), every process on the database together, against ETL_MAX_CALLS_PER_DAY. */
export interface DailySpend {
  api: string;
  day: string;
  calls: number;
  /** ETL_MAX_CALLS_PER_DAY; null when unset. */
  cap: number | null;
}

export type StatusWithSpend = StatusReport & { apiCallsToday?: DailySpend; size?: WarehouseSize };

/** Partitions shown under their table in text; `status --json` lists every one. */
const PARTITIONS_SHOWN = 6;

function formatSize(size: WarehouseSize): string {
  const rowsText = (rows: number | null) => (rows === null ? '?' : rows.toLocaleString('en-US'));
  const rows: (string | number | null)[][] = [];
  for (const table of size.tables) {
    rows.push([
      table.name,
      formatBytes(table.bytes),
      rowsText(table.rowsEstimate),
      table.partitions.length,
    ]);
    for (const partition of table.partitions.slice(0, PARTITIONS_SHOWN)) {
      rows.push([
        `${'  '.repeat(partition.level)}${partition.name}`,
        formatBytes(partition.bytes),
        rowsText(partition.rowsEstimate),
        '',
      ]);
    }
    const hidden = table.partitions.length - PARTITIONS_SHOWN;
    if (hidden > 0) rows.push([`  ... and ${hidden} more partitions`, '', '', '']);
  }
  return (
    `warehouse size: ${formatBytes(size.totalBytes)} in schema ${size.schema} ` +
    '(tables with their indexes and TOAST, partitions summed under their table; rows are ' +
    "the planner's estimates, ? until a table is first vacuumed or analyzed)\n" +
    formatTable(['table', 'size', 'rows (est.)', 'partitions'], rows)
  );
}

function formatSpend(spend: DailySpend): string {
  const against =
    spend.cap === null
      ? 'no daily cap (ETL_MAX_CALLS_PER_DAY unset)'
      : `of ${spend.cap} (ETL_MAX_CALLS_PER_DAY)${spend.calls >= spend.cap ? ': reached, no request starts before 00:00 UTC' : `, ${spend.cap - spend.calls} left`}`;
  return `api calls today (${spend.day} UTC, ${spend.api}): ${spend.calls} ${against}`;
}

export function formatStatus(report: StatusWithSpend): string {
  const sections: string[] = [];
  if (report.apiCallsToday) sections.push(formatSpend(report.apiCallsToday));
  sections.push(
    report.coverage.length === 0
      ? 'coverage: nothing loaded or planned yet'
      : `coverage\n${formatTable(
          ['period', 'region', 'loaded', 'failed', 'missing', 'not available', 'first', 'last'],
          report.coverage.map((row) => [
            row.periodType,
            row.region,
            row.loaded,
            row.failed,
            row.missing,
            row.notAvailable,
            row.firstPeriod,
            row.lastPeriod,
          ]),
        )}`,
  );
  sections.push(
    report.runs.length === 0
      ? 'last runs: none'
      : `last runs\n${formatTable(
          [
            'run',
            'trigger',
            'status',
            'started',
            'finished',
            'took',
            'planned',
            'skipped',
            'loaded',
            'failed',
            'not available',
            'api calls',
          ],
          report.runs.map((run) => [
            Number(run.id),
            run.trigger,
            runStatusText(run),
            run.startedAt,
            run.finishedAt,
            run.finishedAt === null ? null : runDuration(run.startedAt, run.finishedAt),
            run.planned,
            run.skipped,
            run.succeeded,
            run.failed,
            run.notAvailable,
            run.apiCalls,
          ]),
        )}${runEndLines(report).length > 0 ? `\n${runEndLines(report).join('\n')}` : ''}`,
  );
  if (report.failuresTotal > 0) {
    const lines = report.failures.map(
      (failure) =>
        `  ${failure.ranking} (${plural(failure.attempts, 'try', 'tries')}, ${plural(failure.apiCalls, 'api call', 'api calls')}): ${failure.reason ?? 'unknown'}`,
    );
    const more = report.failuresTotal - report.failures.length;
    if (more > 0) lines.push(`  ... and ${more} more`);
    sections.push(`failed rankings: ${report.failuresTotal}\n${lines.join('\n')}`);
  } else {
    sections.push('failed rankings: none');
  }
  sections.push(formatNotAvailable(report), formatQuarantine(report), formatFlagged(report));
  if (report.size) sections.push(formatSize(report.size));
  return sections.join('\n\n');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** How long a finished run took, as a person reads it. */
function runDuration(startedAt: string, finishedAt: string): string {
  return formatDuration((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000);
}

function more(total: number, listed: number): string[] {
  return total > listed ? [`  ... and ${total - listed} more`] : [];
}

function formatNotAvailable(report: StatusReport): string {
  if (report.notAvailableTotal === 0) return 'not available yet: none';
  const lines = report.notAvailable.map((entry) => `  ${entry.ranking} (asked ${entry.at ?? '?'})`);
  return [
    `not available yet: ${report.notAvailableTotal} (FastMoss had no data, code 20001; not failures: the next run that selects them, or the daily lookback, asks again)`,
    ...lines,
    ...more(report.notAvailableTotal, report.notAvailable.length),
  ].join('\n');
}

function formatQuarantine(report: StatusReport): string {
  if (report.quarantinedTotal === 0) return 'quarantined rankings: none';
  const lines = report.quarantined.map(
    (entry) =>
      `  ${entry.ranking} page ${entry.page ?? '?'}: ${entry.field ?? 'page'} = ${entry.value ?? '?'} (run ${entry.runId ?? '?'})`,
  );
  return [
    `quarantined rankings: ${report.quarantinedTotal} (fastmoss-etl replay loads them once they pass)`,
    ...lines,
    ...more(report.quarantinedTotal, report.quarantined.length),
  ].join('\n');
}

function formatFlagged(report: StatusReport): string {
  if (report.flaggedTotal === 0) return 'flagged snapshots: none';
  const lines = report.flagged.map((snapshot) => {
    const figures = snapshot.flags.map((flag) =>
      flag === 'drop'
        ? `drop (${snapshot.entryCount} rows, previous period ${snapshot.previousEntryCount})`
        : `${flag} (${snapshot.entryCount} rows of total ${snapshot.total})`,
    );
    return `  ${snapshot.ranking}: ${figures.join(', ')}`;
  });
  return [
    `flagged snapshots: ${report.flaggedTotal}`,
    ...lines,
    ...more(report.flaggedTotal, report.flagged.length),
  ].join('\n');
}
