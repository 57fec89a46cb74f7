import type { Config } from '../config.ts';
import { type GrowthEstimate, readGrowthEstimate } from '../db/growth-estimate.ts';
import { countLoaded, PRIORITY } from '../db/ledger.ts';
import { openDatabase } from '../db/open-database.ts';
import { readPageSizeCap } from '../db/page-size-cap.ts';
import { DEFAULT_ENTRIES_PER_RANKING } from '../db/row-sizes.ts';
import { MAX_PAGE_SIZE, MAX_RANKING_ROWS } from '../domain/ranking.ts';
import { pagesNeeded } from '../fastmoss/page-plan.ts';
import { formatBytes } from '../observe/bytes.ts';
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
  /** Rows and bytes the selection is expected to add to the warehouse (an estimate). */
  growth: GrowthEstimate;
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

/** The dry run's growth lines: what the selection is expected to add, said to be an estimate. */
export function formatGrowth(growth: GrowthEstimate): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const lines = [
    `estimated growth (an estimate, not a count): ${formatBytes(growth.bytes.total)} for ` +
      `${count(growth.rankings)} rankings not loaded yet: ~${count(growth.entries)} entries ` +
      `(${formatBytes(growth.bytes.entries)}), ~${count(growth.topLives)} top lives ` +
      `(${formatBytes(growth.bytes.topLives)}), ~${count(growth.rawPages)} raw pages ` +
      `(${formatBytes(growth.bytes.rawPages)}), ${count(growth.snapshots)} snapshots and jobs ` +
      `(${formatBytes(growth.bytes.rankings)})`,
    `  rows per ranking from: ${entriesBasisText(growth)}; top lives per entry ` +
      `${growth.topLivesPerEntry.value} (${growth.topLivesPerEntry.basis === 'warehouse' ? "the warehouse's own" : 'measured default'}); ` +
      'per-row sizes measured on a real load (BENCHMARKS.md); creators and live streams not counted',
  ];
  if (growth.replaced > 0) {
    lines.push(
      `  ${count(growth.replaced)} loaded rankings are replaced in place (--force): no net growth, dead rows until autovacuum`,
    );
  }
  return lines.join('\n');
}

function entriesBasisText(growth: GrowthEstimate): string {
  const parts = [
    [growth.entriesBasis.series, 'loaded snapshots of the same series'],
    [growth.entriesBasis.regionPeriod, 'loaded snapshots of the same region and period type'],
    [
      growth.entriesBasis.default,
      `measured defaults (day ${DEFAULT_ENTRIES_PER_RANKING.day}, week ${DEFAULT_ENTRIES_PER_RANKING.week}, month ${DEFAULT_ENTRIES_PER_RANKING.month})`,
    ],
  ] as const;
  const used = parts.filter(([n]) => n > 0).map(([n, what]) => `${what} (${n})`);
  return used.length === 0 ? 'nothing to estimate' : used.join(', ');
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
      const warehouse = await tableExists(db.pool, 'fastmoss.ranking_snapshots');
      const skipped = options.force || !warehouse ? 0 : await countLoaded(db.pool, planned);
      const known = (await tableExists(db.pool, 'fastmoss.api_plan_limits'))
        ? await readPageSizeCap(db.pool, config.baseUrl)
        : undefined;
      const pageSize = Math.min(config.pageSize, known?.cap ?? MAX_PAGE_SIZE);
      const rankings = planned.length - skipped;
      const growth = await readGrowthEstimate(db.pool, planned, {
        pageSize,
        force: options.force,
        warehouse,
      });
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
        growth,
      };
      process.stdout.write(
        options.json
          ? `${JSON.stringify(report)}\n`
          : `dry run ${options.from}..${options.to}: would fetch ${report.rankings} rankings, ` +
              `skip ${report.skipped} already loaded; at most ${report.maxApiCalls} API calls ` +
              `(at least ${report.minApiCalls}) at ${pageSizeNote(report)}, ` +
              `up to ${formatDuration(report.maxSeconds)} at ${report.rps} requests/s\n` +
              `${formatGrowth(report.growth)}\n`,
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
