/**
 * What asks a command to stop: SIGINT, SIGTERM, SIGHUP, or its parent process dying.
 *
 * The parent matters because of how the CLI is usually started. `npx` runs the bin through
 * `sh -c`; a non-interactive dash neither passes a signal on to its child nor execs it, so a
 * SIGTERM sent to npx kills the shell and leaves the CLI running as an orphan (and a SIGINT is
 * held by the shell until the CLI exits by itself). The repository's `.npmrc` makes npm use
 * bash, which execs, so npx signals the CLI directly; where that does not apply, or when a parent
 * is SIGKILLed, the CLI sees that it was re-parented and stops as on SIGTERM.
 *
 * A Ctrl-C, or a signal to the process group, reaches both npx and the CLI, and npx forwards its
 * copy: the same request arrives twice within milliseconds. Repeats within `REPEAT_WINDOW_MS`
 * count once, so "signal again to stop now" means a second, deliberate signal.
 */
export type TerminationReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'parent exited';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const REPEAT_WINDOW_MS = 1_000;
const PARENT_POLL_MS = 500;

/**
 * Calls `onTerminate` once per request to stop (repeats within a second folded into one) until
 * the returned function is called. While subscribed, these signals no longer kill the process.
 */
export function onTermination(onTerminate: (reason: TerminationReason) => void): () => void {
  let last = Number.NEGATIVE_INFINITY;
  const request = (reason: TerminationReason) => {
    const now = Date.now();
    if (now - last < REPEAT_WINDOW_MS) return;
    last = now;
    onTerminate(reason);
  };
  const handlers = SIGNALS.map((signal) => {
    const handler = () => request(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const parent = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(parentWatch);
      request('parent exited');
    }
  }, PARENT_POLL_MS);
  parentWatch.unref();
  return () => {
    clearInterval(parentWatch);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/** Resolves on the first request to stop. */
export function untilTerminated(): Promise<TerminationReason> {
  return new Promise((resolve) => {
    const stop = onTermination((reason) => {
      stop();
      resolve(reason);
    });
  });
}
