import { type BusinessCode, documentedCode } from './business-codes.ts';
import {
  AuthError,
  type FastmossError,
  InvalidRequestError,
  InvalidResponseError,
  NoAccessError,
  NotAvailableError,
  QuotaError,
  TransientError,
} from './errors.ts';
import { parseLossless } from './lossless-parse.ts';
import { readRankingPageFast } from './page-fast-path.ts';
import {
  describeIssue,
  envelopeSchema,
  issuePath,
  type RankingPageData,
  rankingPageSchema,
} from './wire.ts';

/*
 * HTTP status first, then the envelope's `code`, as FastMoss's guide says. A code the guide
 * documents is handled as its table says (business-codes.ts). Any other failure is classified
 * generically: for an error envelope by words in its message, then by its code read as an
 * HTTP-like number (401xx auth, 429xx rate, 5xxxx server, 4xxxx request). Anything unknown is
 * treated as transient: a few retries cost little, and the attempt limit still ends it.
 */

const AUTH_WORDS =
  /unauthori[sz]ed|forbidden|\bauth(entication|orization)?\b|token|api[ _-]?key|permission|login|signature|鉴权|未授权|登录/i;
const QUOTA_WORDS = /quota|balance|credit|insufficient|exhausted|余额|额度|次数/i;
const BUSY_WORDS =
  /busy|try again|rate limit|too many|frequen|timeout|timed out|unavailable|繁忙|频繁|稍后/i;
const INVALID_WORDS = /param|invalid|illegal|must|required|format|range|not support|参数/i;

export interface ResponseFacts {
  status: number;
  contentType: string | undefined;
  retryAfterMs: number | undefined;
  bodyText: string;
}

export interface ClassifyContext {
  /** Which request, for messages: `US/pc=all/.../units_sold page 2`. */
  where: string;
  page: number | undefined;
  /** The ranking alone, `US/pc=all/.../units_sold`, for reasons about the ranking; default `where`. */
  label?: string;
  /** Removes the token from any text the server sent back (some APIs echo it). */
  redact: (text: string) => string;
  /** The settings a refused credential points to; default `FASTMOSS_TOKEN` (bearer mode). */
  credentials?: string;
}

export type ResponseVerdict =
  | { ok: true; data: unknown; requestId: string | undefined }
  | { ok: false; error: FastmossError };

interface EnvelopeFacts {
  code: number;
  message: string;
  requestId: string | undefined;
  data: unknown;
}

function readEnvelope(bodyText: string): EnvelopeFacts | undefined {
  let parsed: unknown;
  try {
    parsed = parseLossless(bodyText);
  } catch {
    return undefined;
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success) return undefined;
  return {
    code: envelope.data.code,
    // Whichever is present; `msg` (the guide's name) first when both are.
    message: envelope.data.msg || envelope.data.message || '',
    requestId: envelope.data.request_id ?? undefined,
    data: envelope.data.data,
  };
}

function looksLikeHtml(facts: ResponseFacts): boolean {
  return /html/i.test(facts.contentType ?? '') || /^\s*</.test(facts.bodyText);
}

function htmlTitle(bodyText: string): string {
  const title = /<title[^>]*>([^<]{0,120})/i.exec(bodyText)?.[1]?.trim();
  return title ? ` ("${title}")` : '';
}

/** A successful HTTP response's body, or the error it amounts to. */
export function classifyResponse(facts: ResponseFacts, context: ClassifyContext): ResponseVerdict {
  const { status } = facts;
  const base = { status, page: context.page, retryAfterMs: facts.retryAfterMs };
  if (looksLikeHtml(facts)) {
    const title = context.redact(htmlTitle(facts.bodyText));
    const error = new TransientError(
      `FastMoss answered ${context.where} with an HTML page (HTTP ${status})${title} instead of JSON`,
      'html-page',
      base,
    );
    return { ok: false, error };
  }
  const envelope = readEnvelope(facts.bodyText);
  const details = { ...base, apiCode: envelope?.code, requestId: envelope?.requestId };
  const said = envelope?.message ? `: ${context.redact(envelope.message)}` : '';

  if (status < 200 || status >= 300) {
    return { ok: false, error: errorForStatus(status, said, envelope, details, context) };
  }
  if (envelope === undefined) {
    const parses = isJson(facts.bodyText);
    const error = parses
      ? new InvalidResponseError(
          `FastMoss answered ${context.where} with JSON that is not its {code, data, message} envelope`,
          details,
        )
      : new TransientError(
          `FastMoss answered ${context.where} with a body that is not complete JSON (${facts.bodyText.length} bytes; cut off?)`,
          'unparseable-body',
          details,
        );
    return { ok: false, error };
  }
  if (envelope.code !== 0) {
    return { ok: false, error: errorForEnvelope(envelope, said, details, context) };
  }
  if (envelope.data === null || typeof envelope.data !== 'object') {
    const error = new InvalidResponseError(
      `FastMoss answered ${context.where} with code 0 but no data object`,
      details,
    );
    return { ok: false, error };
  }
  return { ok: true, data: envelope.data, requestId: envelope.requestId };
}

function isJson(text: string): boolean {
  try {
    parseLossless(text);
    return true;
  } catch {
    return false;
  }
}

type Details = ConstructorParameters<typeof TransientError>[2];

function errorForStatus(
  status: number,
  said: string,
  envelope: EnvelopeFacts | undefined,
  details: Details,
  context: ClassifyContext,
): FastmossError {
  const what = `FastMoss answered ${context.where} with HTTP ${status}${said}`;
  if (status === 401) {
    return new AuthError(
      `${what}. Check ${context.credentials ?? 'FASTMOSS_TOKEN'}; the run stops.`,
      details,
    );
  }
  if (status >= 500 || status === 408 || status === 425) {
    return new TransientError(what, 'server-error', details);
  }
  const documented = envelope === undefined ? undefined : documentedCode(envelope.code);
  if (documented !== undefined) {
    const answered = `FastMoss answered ${context.where} with HTTP ${status} and code ${documented.code} (${documented.meaning})${said}`;
    return documentedError(documented, answered, details, context);
  }
  const message = envelope?.message ?? '';
  if (QUOTA_WORDS.test(message) && (status === 402 || status === 403 || status === 429)) {
    return new QuotaError(`${what}. The account's quota looks used up; the run stops.`, details);
  }
  if (status === 403) {
    return new AuthError(
      `${what}. Check ${context.credentials ?? 'FASTMOSS_TOKEN'}; the run stops.`,
      details,
    );
  }
  if (status === 429) return new TransientError(what, 'rate-limited', details);
  return new InvalidRequestError(`${what}. The request was refused as sent; not retried.`, details);
}

/** The error a code of the guide's table amounts to; `what` already quotes FastMoss's message. */
function documentedError(
  documented: BusinessCode,
  what: string,
  details: Details,
  context: ClassifyContext,
): FastmossError {
  switch (documented.handling) {
    case 'invalid-request':
      return new InvalidRequestError(
        `${what}. The request was refused as sent; not retried.`,
        details,
      );
    case 'not-available':
      return new NotAvailableError(
        `${what}. FastMoss has no data for this ranking yet; not retried now, a later run tries again.`,
        details,
      );
    case 'no-access':
      return new NoAccessError(
        `this FastMoss account has no access to ${context.label ?? context.where} (${what}); not retried`,
        details,
      );
    case 'data-limit':
      return new QuotaError(
        `${what}. The plan's data limit (its quota of rows) is used up; the run stops, and rankings not fetched stay pending.`,
        details,
      );
    case 'frequency-limit':
      return new TransientError(what, 'frequency-limited', details);
    case 'service-error':
      return new TransientError(what, 'service-exception', details);
  }
}

function errorForEnvelope(
  envelope: EnvelopeFacts,
  said: string,
  details: Details,
  context: ClassifyContext,
): FastmossError {
  const documented = documentedCode(envelope.code);
  if (documented !== undefined) {
    const refused = `FastMoss refused ${context.where} with code ${documented.code} (${documented.meaning})${said}`;
    return documentedError(documented, refused, details, context);
  }
  const what = `FastMoss refused ${context.where} with code ${envelope.code}${said}`;
  const { message, code } = envelope;
  if (AUTH_WORDS.test(message))
    return new AuthError(
      `${what}. Check ${context.credentials ?? 'FASTMOSS_TOKEN'}; the run stops.`,
      details,
    );
  if (QUOTA_WORDS.test(message)) {
    return new QuotaError(`${what}. The account's quota looks used up; the run stops.`, details);
  }
  if (BUSY_WORDS.test(message)) return new TransientError(what, 'busy', details);
  if (INVALID_WORDS.test(message)) {
    return new InvalidRequestError(
      `${what}. The request was refused as sent; not retried.`,
      details,
    );
  }
  const httpLike = code >= 1000 ? Math.floor(code / 100) : code;
  if (httpLike === 401 || httpLike === 403) {
    return new AuthError(
      `${what}. Check ${context.credentials ?? 'FASTMOSS_TOKEN'}; the run stops.`,
      details,
    );
  }
  if (httpLike === 429) return new TransientError(what, 'rate-limited', details);
  if (httpLike >= 400 && httpLike < 500) {
    return new InvalidRequestError(
      `${what}. The request was refused as sent; not retried.`,
      details,
    );
  }
  return new TransientError(what, 'busy', details);
}

/** A failure below HTTP (timeout, reset, refused connection) as a retryable error. */
export function classifyTransportError(
  error: unknown,
  context: ClassifyContext,
  timeoutMs: number,
): TransientError {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const name = error instanceof Error ? error.name : '';
  const isTimeout =
    name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT';
  const detail = context.redact(error instanceof Error ? error.message : String(error));
  if (isTimeout) {
    return new TransientError(
      `FastMoss did not answer ${context.where} within ${timeoutMs} ms (${detail})`,
      'timeout',
      {
        page: context.page,
        cause: error,
      },
    );
  }
  const what = `The connection to FastMoss failed for ${context.where}: ${code ? `${code} ` : ''}${detail}`;
  return new TransientError(what, cannotReach(code) ? 'unreachable' : 'connection', {
    page: context.page,
    cause: error,
  });
}

/** Connection refused, no such host, no route, TLS refused: no request could even be sent. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

function cannotReach(code: string): boolean {
  return UNREACHABLE_CODES.has(code) || code.startsWith('ERR_SSL_');
}

/** The zod issue under `data` as an error naming page, path and the value found there. */
export function invalidPageError(
  where: string,
  page: number,
  issue: Parameters<typeof describeIssue>[1] | undefined,
): InvalidResponseError {
  const problem = issue ? describeIssue('data', issue) : 'data: unreadable page';
  return new InvalidResponseError(`FastMoss sent an invalid page for ${where}: ${problem}`, {
    page,
    field: issue ? issuePath('data', issue) : undefined,
    value: issue?.input,
  });
}

/**
 * A successful response's `data` as a ranking page, or the InvalidResponseError naming the first
 * field that failed. The client and the archive's re-validation both read pages through here.
 */
export function readRankingPage(data: unknown, where: string, page: number): RankingPageData {
  const fast = readRankingPageFast(data);
  if (fast) return fast;
  const parsed = rankingPageSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw invalidPageError(where, page, parsed.error.issues[0]);
  return parsed.data;
}
