import { formatDuration } from '../observe/duration.ts';
import type { RunSummary } from '../pipeline/load-rankings.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';

/**
 * Exit 0 only when every selected ranking is loaded, or not available yet at FastMoss (code
 * 20001: it has nothing to give, and a later run or the lookback asks again; the summary says so).
 */
export function exitCodeOf(summary: RunSummary): ExitCode {
  return summary.status === 'succeeded' ? EXIT.ok : EXIT.failed;
}

const MAX_FAILURES_LISTED = 50;

/** The human summary printed at the end of a run. */
export function formatSummary(summary: RunSummary): string {
  const lines = [
    `run ${summary.runId} (${summary.trigger}) ${summary.status} in ${formatDuration(summary.durationMs / 1000)}`,
    `  rankings: ${summary.selected} selected, ${summary.skipped} already loaded, ` +
      `${summary.succeeded} loaded, ${summary.failed} failed, ` +
      `${summary.notAvailable} not available yet, ${summary.unfinished} unfinished`,
    `  api calls: ${summary.apiCalls} (${summary.retries} of them retries); rows written: ${summary.rowsLoaded}`,
  ];
  if (summary.fatal) lines.push(`  stopped: ${summary.fatal}`);
  if (summary.notAvailable > 0) {
    const none = summary.notAvailable === summary.selected - summary.skipped;
    lines.push(
      none
        ? `  not available yet: FastMoss has no data for any of the ${summary.notAvailable} rankings asked (code 20001, resource not found); nothing was loaded. Not a failure: a later run, or the schedule's lookback, asks again.`
        : `  not available yet: FastMoss has no data for ${summary.notAvailable} of the rankings (code 20001, resource not found). Not a failure: a later run, or the schedule's lookback, asks again.`,
    );
  }
  for (const ranking of summary.notAvailableRankings.slice(0, MAX_FAILURES_LISTED)) {
    lines.push(`  not available yet ${ranking.ranking}`);
  }
  if (summary.notAvailableRankings.length > MAX_FAILURES_LISTED) {
    lines.push(
      `  ... and ${summary.notAvailableRankings.length - MAX_FAILURES_LISTED} more not available yet (fastmoss-etl status)`,
    );
  }
  for (const failure of summary.failures.slice(0, MAX_FAILURES_LISTED)) {
    lines.push(`  failed ${failure.ranking}: ${failure.reason}`);
  }
  if (summary.failures.length > MAX_FAILURES_LISTED) {
    lines.push(
      `  ... and ${summary.failures.length - MAX_FAILURES_LISTED} more (fastmoss-etl status)`,
    );
  }
  return lines.join('\n');
}

/** Prints a run's summary to stdout (JSON with `json`) and returns the exit code it calls for. */
export function reportRun(summary: RunSummary, options: { json: boolean }): ExitCode {
  process.stdout.write(
    options.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`,
  );
  return exitCodeOf(summary);
}
