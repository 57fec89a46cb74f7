import type { QuarantineReason } from '../db/quarantine.ts';
import type { RawPage } from '../domain/ranking.ts';
import { InvalidResponseError } from '../fastmoss/errors.ts';
import { describeError } from './run-jobs.ts';

/** Why pages were refused, as the quarantine stores it. */
export function quarantineReasonOf(error: unknown): QuarantineReason {
  const invalid = error instanceof InvalidResponseError ? error : undefined;
  return {
    reason: describeError(error),
    field: invalid?.field ?? null,
    page: invalid?.page ?? null,
    value: invalid?.value ?? null,
  };
}

/**
 * A failed fetch that is the data's fault, with the pages received: worth quarantining. Other
 * failures (timeouts, quota, refused requests) have nothing to re-validate.
 */
export function quarantineOf(
  error: unknown,
): ({ pages: RawPage[] } & QuarantineReason) | undefined {
  if (!(error instanceof InvalidResponseError) || error.rawPages.length === 0) return undefined;
  return { pages: error.rawPages, ...quarantineReasonOf(error) };
}
