import type { Config } from '../config.ts';
import { countLoaded, PRIORITY } from '../db/ledger.ts';
import { openDatabase } from '../db/open-database.ts';
import { MAX_PAGE_SIZE, MAX_RANKING_ROWS } from '../domain/ranking.ts';
import { planBackfill } from '../plan/plan.ts';
import { type BackfillFlags, resolveBackfillOptions } from './backfill-options.ts';
import { executeRun } from './execute-run.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { createCommandLogger, openRuntime } from './runtime.ts';
import { reportRun } from './summary.ts';

const MAX_PAGES_PER_RANKING = MAX_RANKING_ROWS / MAX_PAGE_SIZE;

export interface DryRunReport {
  /** Rankings the backfill would fetch. */
  rankings: number;
  /** Rankings already loaded, which it would skip. */
  skipped: number;
  /** Most API calls those rankings could take: five pages each, before any retry. */
  maxApiCalls: number;
  /** Fewest: one page each. */
  minApiCalls: number;
  /** The time `maxApiCalls` takes at ETL_RPS. */
  maxSeconds: number;
  rps: number;
}

async function schemaExists(pool: import('pg').Pool): Promise<boolean> {
  const result = await pool.query<{ exists: boolean }>(
    `SELECT to_regclass('fastmoss.ranking_snapshots') IS NOT NULL AS exists`,
  );
  return result.rows[0]?.exists === true;
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
        options.force || !(await schemaExists(db.pool)) ? 0 : await countLoaded(db.pool, planned);
      const rankings = planned.length - skipped;
      const report: DryRunReport = {
        rankings,
        skipped,
        maxApiCalls: rankings * MAX_PAGES_PER_RANKING,
        minApiCalls: rankings,
        maxSeconds: Math.ceil((rankings * MAX_PAGES_PER_RANKING) / config.rps),
        rps: config.rps,
      };
      process.stdout.write(
        options.json
          ? `${JSON.stringify(report)}\n`
          : `dry run ${options.from}..${options.to}: would fetch ${report.rankings} rankings, ` +
              `skip ${report.skipped} already loaded; at most ${report.maxApiCalls} API calls ` +
              `(at least ${report.minApiCalls}), up to ${report.maxSeconds}s at ${report.rps} requests/s\n`,
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
