/** The contract's exit codes. */
export const EXIT = {
  /** Every selected ranking is loaded. */
  ok: 0,
  /** Some ranking failed after its retries, or a run-wide error stopped the run. */
  failed: 1,
  /** Bad arguments or configuration: nothing was fetched or written. */
  usage: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
