import { createProgressReporter, type ProgressReporter } from '../observe/progress.ts';
import type { RunSummary } from '../pipeline/load-rankings.ts';
import { type RunPlansRequest, type Runtime, runPlans } from './runtime.ts';
import { installShutdown, SHUTDOWN_GRACE_MS } from './shutdown.ts';

/** A foreground run: progress on stderr, clean shutdown on a signal, the summary returned. */
export async function executeRun(
  runtime: Runtime,
  request: Omit<RunPlansRequest, 'stopSignal' | 'abortSignal' | 'onPlanned' | 'onOutcome'>,
  options: { progress: boolean },
): Promise<RunSummary> {
  const shutdown = installShutdown({
    graceMs: SHUTDOWN_GRACE_MS,
    onSignal: (reason) =>
      runtime.logger.warn(
        { reason },
        'stopping: no new rankings are claimed; rankings in flight finish (signal again to stop now)',
      ),
  });
  let progress: ProgressReporter | undefined;
  try {
    return await runPlans(runtime, {
      ...request,
      stopSignal: shutdown.stopSignal,
      abortSignal: shutdown.abortSignal,
      onPlanned: ({ selected, skipped, toLoad }) => {
        runtime.logger.info(
          { selected, skipped, toLoad },
          `loading ${toLoad} rankings (${skipped} already loaded)`,
        );
        if (options.progress && toLoad > 0) progress = createProgressReporter({ total: toLoad });
      },
      onOutcome: (outcome) => {
        if (outcome.status === 'succeeded') progress?.rankingFinished('loaded');
        else if (outcome.status === 'failed') progress?.rankingFinished('failed');
        else if (outcome.status === 'not_available') progress?.rankingFinished('skipped');
      },
    });
  } finally {
    progress?.finish();
    shutdown.dispose();
  }
}
