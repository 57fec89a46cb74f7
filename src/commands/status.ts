import type { Config } from '../config.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { readStatusReport, type StatusReport } from '../db/status-report.ts';
import { ConfigError } from '../domain/errors.ts';
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
  const db = await openDatabase(config.databaseUrl, {
    announce: (message) => logger.info(message),
  });
  try {
    await migrateDatabase(db.pool);
    const report = await readStatusReport(db.pool, { runs });
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : `${formatStatus(report)}\n`);
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

export function formatStatus(report: StatusReport): string {
  const sections: string[] = [];
  sections.push(
    report.coverage.length === 0
      ? 'coverage: nothing loaded or planned yet'
      : `coverage\n${formatTable(
          ['period', 'region', 'loaded', 'failed', 'missing', 'first', 'last'],
          report.coverage.map((row) => [
            row.periodType,
            row.region,
            row.loaded,
            row.failed,
            row.missing,
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
            'planned',
            'skipped',
            'loaded',
            'failed',
            'api calls',
          ],
          report.runs.map((run) => [
            Number(run.id),
            run.trigger,
            run.status,
            run.startedAt,
            run.finishedAt,
            run.planned,
            run.skipped,
            run.succeeded,
            run.failed,
            run.apiCalls,
          ]),
        )}`,
  );
  if (report.failuresTotal > 0) {
    const lines = report.failures.map(
      (failure) =>
        `  ${failure.ranking} (${failure.attempts} attempts): ${failure.reason ?? 'unknown'}`,
    );
    const more = report.failuresTotal - report.failures.length;
    if (more > 0) lines.push(`  ... and ${more} more`);
    sections.push(`failed rankings: ${report.failuresTotal}\n${lines.join('\n')}`);
  } else {
    sections.push('failed rankings: none');
  }
  sections.push(formatQuarantine(report), formatFlagged(report));
  return sections.join('\n\n');
}

function more(total: number, listed: number): string[] {
  return total > listed ? [`  ... and ${total - listed} more`] : [];
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
