/**
 * Base of every error the pipeline raises on purpose. `code` is stable, so callers branch on it
 * (or on the class), never on message text. Messages say what a person can do about it.
 */
export abstract class EtlError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration or arguments: the CLI exits 2 before any work. */
export class ConfigError extends EtlError {
  readonly code = 'ETL_CONFIG';
}

/**
 * Why a run ended other than with every ranking loaded, as `etl_runs.end_reason` records it,
 * `status` shows it and `/metrics` labels it:
 * - `auth`: FastMoss refused the credentials; `quota`: the account's quota or balance is used up
 *   (or its request frequency limit kept refusing); `no_access`: the account may not read the
 *   rankings asked for;
 * - `unreachable`: the API could not be reached at all; `spend_cap`: ETL_MAX_CALLS_PER_DAY was hit;
 * - `interrupted`: stopped by a signal (or left rankings unfinished);
 * - `rankings_failed`: some rankings failed after their retries (each names its own reason);
 * - `database`: the database went away for longer than the connection retries cover;
 * - `worker_gone`: the process died without finishing the run (status `abandoned`);
 * - `error`: anything else (a bug): the message says what.
 */
export const RUN_END_REASONS = [
  'auth',
  'quota',
  'no_access',
  'unreachable',
  'spend_cap',
  'interrupted',
  'rankings_failed',
  'database',
  'worker_gone',
  'error',
] as const;
export type RunEndReason = (typeof RUN_END_REASONS)[number];

/**
 * An error that can stop the whole run says which reason the run records when it does: a class
 * declares `readonly runEndReason = 'auth' as const` (see AuthError). Whether it stops the run is
 * the pipeline's `isRunFatal` (fastmoss's isFatalToRun); the run then gives its rankings back and
 * records this reason with the error's message (`error` for a fatal error without one).
 */
export interface RunStoppingError extends Error {
  readonly runEndReason: RunEndReason;
}

/** The run-wide reason an error carries, if it is one that stops the run. */
export function runEndReasonOf(error: unknown): RunEndReason | undefined {
  if (!(error instanceof Error) || !('runEndReason' in error)) return undefined;
  const reason = error.runEndReason;
  return RUN_END_REASONS.find((known) => known === reason);
}
