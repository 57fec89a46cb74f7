/**
 * SIGINT / SIGTERM handling for a run: the first signal stops claiming new rankings and lets the
 * ones in flight finish for up to `graceMs`; a second signal, or the end of the grace period,
 * gives back whatever is still in flight so no job is left `running`.
 */
export interface Shutdown {
  stopSignal: AbortSignal;
  abortSignal: AbortSignal;
  dispose(): void;
}

export function installShutdown(options: {
  graceMs: number;
  onSignal?: (signal: string) => void;
}): Shutdown {
  const stop = new AbortController();
  const abort = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const handler = (signal: NodeJS.Signals) => {
    options.onSignal?.(signal);
    if (stop.signal.aborted) {
      abort.abort();
      return;
    }
    stop.abort();
    grace = setTimeout(() => abort.abort(), options.graceMs);
    grace.unref();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    stopSignal: stop.signal,
    abortSignal: abort.signal,
    dispose() {
      if (grace) clearTimeout(grace);
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
