import { EtlError } from '../domain/errors.ts';
import type { RawPage } from '../domain/ranking.ts';

/** What the pipeline needs to know about the call that failed, besides the message. */
export interface FastmossErrorDetails {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** The envelope's `code`, when the body was a FastMoss envelope. */
  apiCode?: number;
  /** The envelope's `request_id`, to quote to FastMoss support. */
  requestId?: string;
  /** Page of the ranking the request was for. */
  page?: number;
  cause?: unknown;
}

/**
 * Base of every failure talking to FastMoss. `apiCalls` counts the HTTP requests spent before
 * giving up: the request's attempts, or, once `fetchRanking` rethrows it, the whole ranking's.
 */
export abstract class FastmossError extends EtlError {
  readonly status: number | undefined;
  readonly apiCode: number | undefined;
  readonly requestId: string | undefined;
  readonly page: number | undefined;
  apiCalls = 0;

  constructor(message: string, details: FastmossErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.apiCode = details.apiCode;
    this.requestId = details.requestId;
    this.page = details.page;
  }
}

/** The token was refused (401/403 or an auth envelope). Fatal to the run: fix FASTMOSS_TOKEN. */
export class AuthError extends FastmossError {
  readonly code = 'FASTMOSS_AUTH';
  /** Recorded as etl_runs.end_reason when it stops the run. */
  readonly runEndReason = 'auth' as const;
}

/** The account's quota or balance is used up. Fatal to the run: top up or wait for the reset. */
export class QuotaError extends FastmossError {
  readonly code = 'FASTMOSS_QUOTA';
  /** Recorded as etl_runs.end_reason when it stops the run. */
  readonly runEndReason = 'quota' as const;
}

/** FastMoss rejected the request itself (bad parameter, unknown path). Not retried. */
export class InvalidRequestError extends FastmossError {
  readonly code = 'FASTMOSS_INVALID_REQUEST';
}

/**
 * FastMoss has no data for this ranking key and period (code 20001, "resource not found"), often
 * because a period's ranking is published late. Not retried in this run and not a failure: the
 * ranking stays to be tried by a later run or the scheduler's lookback.
 */
export class NotAvailableError extends FastmossError {
  readonly code = 'FASTMOSS_NOT_AVAILABLE';
}

/**
 * The account may not read this ranking (code 30001). The ranking fails, not retried; after
 * NO_ACCESS_REFUSALS_TO_STOP refusals in a row the client stops the run (`stopsRun`).
 */
export class NoAccessError extends FastmossError {
  readonly code = 'FASTMOSS_NO_ACCESS';
  /** Recorded as etl_runs.end_reason when it stops the run. */
  readonly runEndReason = 'no_access' as const;
  readonly stopsRun: boolean;

  constructor(message: string, details: FastmossErrorDetails & { stopsRun?: boolean } = {}) {
    super(message, details);
    this.stopsRun = details.stopsRun ?? false;
  }
}

/** Why a request may succeed if tried again. Stable, short, usable as a metric label. */
export type TransientReason =
  | 'rate-limited'
  | 'server-error'
  | 'html-page'
  | 'timeout'
  | 'connection'
  /** No connection at all: refused, unknown host, no route, TLS refused. */
  | 'unreachable'
  | 'unparseable-body'
  | 'busy'
  /** Code 30003, "access frequency limit exceeded": backed off at least 1 s, shared. */
  | 'frequency-limited'
  /** Code 40001, "service exception". */
  | 'service-exception';

/**
 * A failure worth retrying: 429, 5xx, an HTML error page, a timeout, a reset connection, a cut-off
 * body, a "system busy" envelope. Thrown to the caller only after the last attempt.
 */
export class TransientError extends FastmossError {
  readonly code = 'FASTMOSS_TRANSIENT';
  readonly reason: TransientReason;
  /** From `Retry-After`, when the server sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    reason: TransientReason,
    details: FastmossErrorDetails & { retryAfterMs?: number } = {},
  ) {
    super(message, details);
    this.reason = reason;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * A response that arrived whole but is not a valid ranking page: a field of the wrong type, a row
 * count or total that disagrees, duplicates, wrong order. Not retried; the message names the page
 * and the field path, e.g. `data.list[3].creator.uid: expected an integer id`.
 */
export class InvalidResponseError extends FastmossError {
  readonly code = 'FASTMOSS_INVALID_RESPONSE';
  /** The field that failed, e.g. `data.list[3].live_gmv`; undefined when the page as a whole did. */
  readonly field: string | undefined;
  /** The offending value as JSON text (cut to 200 characters), when known. */
  readonly value: string | undefined;
  /** Every page of the ranking received so far, the failing one included, for the quarantine. */
  rawPages: RawPage[] = [];

  constructor(
    message: string,
    details: FastmossErrorDetails & { field?: string; value?: unknown } = {},
  ) {
    super(message, details);
    this.field = details.field;
    this.value = details.value === undefined ? undefined : valueText(details.value);
  }
}

const MAX_VALUE_CHARS = 200;

/** A wire value as JSON text, numbers as the digits sent. */
function valueText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text;
}

/**
 * FastMoss could not be reached at all (refused connection, DNS, TLS) for several rankings in a
 * row, with no answer in between. Fatal to the run: check FASTMOSS_BASE_URL and the network.
 */
export class UnreachableError extends FastmossError {
  readonly code = 'FASTMOSS_UNREACHABLE';
  /** Recorded as etl_runs.end_reason when it stops the run. */
  readonly runEndReason = 'unreachable' as const;
}

/** An error that stops the whole run rather than failing one ranking. */
export type RunStopError = AuthError | QuotaError | NoAccessError | UnreachableError;

/** Errors that stop the whole run rather than one ranking. */
export function isFatalToRun(error: unknown): error is RunStopError {
  return (
    error instanceof AuthError ||
    error instanceof QuotaError ||
    error instanceof UnreachableError ||
    (error instanceof NoAccessError && error.stopsRun)
  );
}
