import { onTermination, type TerminationReason } from './termination.ts';

/**
 * Stopping a run (SIGINT, SIGTERM, SIGHUP, or the parent process gone): the first request stops
 * claiming new rankings and lets the ones in flight finish for up to `graceMs`; a second request,
 * or the end of the grace period, gives back whatever is still in flight so no job is left
 * `running`.
 */
export interface Shutdown {
  stopSignal: AbortSignal;
  abortSignal: AbortSignal;
  /** Resolves with what asked to stop, on the first request. */
  requested: Promise<TerminationReason>;
  dispose(): void;
}

/** How long rankings in flight may finish after a request to stop before they are given back. */
export const SHUTDOWN_GRACE_MS = 20_000;

export function installShutdown(options: {
  graceMs: number;
  onSignal?: (reason: TerminationReason) => void;
}): Shutdown {
  const stop = new AbortController();
  const abort = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  let resolveRequested: (reason: TerminationReason) => void = () => {};
  const requested = new Promise<TerminationReason>((resolve) => {
    resolveRequested = resolve;
  });
  const unsubscribe = onTermination((reason) => {
    options.onSignal?.(reason);
    if (stop.signal.aborted) {
      abort.abort();
      return;
    }
    stop.abort();
    resolveRequested(reason);
    grace = setTimeout(() => abort.abort(), options.graceMs);
    grace.unref();
  });
  return {
    stopSignal: stop.signal,
    abortSignal: abort.signal,
    requested,
    dispose() {
      if (grace) clearTimeout(grace);
      unsubscribe();
    },
  };
}
