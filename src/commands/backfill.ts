import type { Config } from '../config.ts';
import { countLoaded, PRIORITY } from '../db/ledger.ts';
import { openDatabase } from '../db/open-database.ts';
import { readPageSizeCap } from '../db/page-size-cap.ts';
import { MAX_PAGE_SIZE, MAX_RANKING_ROWS } from '../domain/ranking.ts';
import { pagesNeeded } from '../fastmoss/page-plan.ts';
import { formatDuration } from '../observe/duration.ts';
import { planBackfill } from '../plan/plan.ts';
import { type BackfillFlags, resolveBackfillOptions } from './backfill-options.ts';
import { executeRun } from './execute-run.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { createCommandLogger, openRuntime } from './runtime.ts';
import { reportRun } from './summary.ts';

export interface DryRunReport {
  /** Rankings the backfill would fetch. */
  rankings: number;
  /** Rankings already loaded, which it would skip. */
  skipped: number;
  /** Most API calls those rankings could take: 500 rows each at `pageSize`, before any retry. */
  maxApiCalls: number;
  /** Fewest: one page each. */
  minApiCalls: number;
  /** The time `maxApiCalls` takes at ETL_RPS. */
  maxSeconds: number;
  rps: number;
  /** Rows a page is fetched with: FASTMOSS_PAGE_SIZE, or a smaller cap the API enforces. */
  pageSize: number;
  /** The page-size cap learnt from the API, when one was. */
  pageSizeCap: number | null;
}

async function tableExists(pool: import('pg').Pool, table: string): Promise<boolean> {
  const result = await pool.query<{ exists: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    [table],
  );
  return result.rows[0]?.exists === true;
}

/** The dry run's sentence about page size: the configured one, or the cap that lowers it. */
function pageSizeNote(report: DryRunReport): string {
  return report.pageSizeCap !== null && report.pageSizeCap <= report.pageSize
    ? `${report.pageSize} rows a page (a cap FastMoss enforces for this account, learnt from its answers)`
    : `${report.pageSize} rows a page`;
}

export async function backfill(flags: BackfillFlags, config: Config, now: Date): Promise<ExitCode> {
  const options = resolveBackfillOptions(flags, config, now);
  const planned = planBackfill(options.selection, options.from, options.to, now);
  const logger = createCommandLogger(config);

  if (options.dryRun) {
    // Reads only: no migration, no run row, no API call.
    const db = await openDatabase(config.databaseUrl, {
      announce: (message) => logger.info(message),
    });
    try {
      const skipped =
        options.force || !(await tableExists(db.pool, 'fastmoss.ranking_snapshots'))
          ? 0
          : await countLoaded(db.pool, planned);
      const known = (await tableExists(db.pool, 'fastmoss.api_plan_limits'))
        ? await readPageSizeCap(db.pool, config.baseUrl)
        : undefined;
      const pageSize = Math.min(config.pageSize, known?.cap ?? MAX_PAGE_SIZE);
      const rankings = planned.length - skipped;
      const maxApiCalls = rankings * pagesNeeded(MAX_RANKING_ROWS, pageSize);
      const report: DryRunReport = {
        rankings,
        skipped,
        maxApiCalls,
        minApiCalls: rankings,
        maxSeconds: Math.ceil(maxApiCalls / config.rps),
        rps: config.rps,
        pageSize,
        pageSizeCap: known?.cap ?? null,
      };
      process.stdout.write(
        options.json
          ? `${JSON.stringify(report)}\n`
          : `dry run ${options.from}..${options.to}: would fetch ${report.rankings} rankings, ` +
              `skip ${report.skipped} already loaded; at most ${report.maxApiCalls} API calls ` +
              `(at least ${report.minApiCalls}) at ${pageSizeNote(report)}, ` +
              `up to ${formatDuration(report.maxSeconds)} at ${report.rps} requests/s\n`,
      );
      return EXIT.ok;
    } finally {
      await db.close();
    }
  }

  const runtime = await openRuntime(config, { api: true, migrate: true, logger });
  try {
    const summary = await executeRun(
      runtime,
      {
        trigger: 'backfill',
        plans: [{ planned, force: options.force }],
        priority: PRIORITY.backfill,
        runOptions: {
          from: options.from,
          to: options.to,
          force: options.force,
          selection: options.selection,
        },
      },
      { progress: !options.json },
    );
    return reportRun(summary, options);
  } finally {
    await runtime.close();
  }
}
