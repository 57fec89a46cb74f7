import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { ConfigError } from '../domain/errors.ts';
import {
  MAX_PAGE_SIZE,
  type RankingKey,
  type RawPage,
  rankingKeyLabel,
} from '../domain/ranking.ts';
import type { AccessTokenStore } from './access-token-store.ts';
import { NO_ACCESS_REFUSALS_TO_STOP } from './business-codes.ts';
import { classifyResponse, classifyTransportError, readRankingPage } from './classify.ts';
import {
  AuthError,
  FastmossError,
  InvalidResponseError,
  isFatalToRun,
  NoAccessError,
  NotAvailableError,
  QuotaError,
  type RunStopError,
  TransientError,
  type TransientReason,
  UnreachableError,
} from './errors.ts';
import {
  type CallReservation,
  NO_RESERVATION,
  RequestLimiter,
  type RequestStartGate,
  type StartPermit,
  UNPACED_START,
} from './limiter.ts';
import {
  type AuthorizedRequest,
  bearerAuth,
  type RequestAuth,
  redactSecrets,
} from './request-auth.ts';
import {
  TOP_CREATOR_PATH,
  type TopCreatorRequestBody,
  topCreatorRequestBody,
} from './request-body.ts';
import {
  DEFAULT_RETRY_TIMING,
  parseRetryAfter,
  type RetryTimingOptions,
  retryDelay,
  slowDownDelay,
} from './retry-timing.ts';
import {
  type AccessAnswer,
  AccessStreak,
  ReachabilityStreak,
  UNREACHABLE_RANKINGS_TO_STOP,
} from './run-stop-streaks.ts';
import { MissedStartError, writeOnTime } from './send-on-time.ts';
import {
  signedAuth,
  type TokenCall,
  type TokenCallAnswer,
  type TokenRenewal,
} from './signed-auth.ts';
import type { RankingPageData } from './wire.ts';

export interface FastmossClientOptions {
  /** `https://openapi.fastmoss.com`; a path prefix is kept. */
  baseUrl: string;
  /** Bearer mode: the token. Exactly one of `token` and `signed`. Never put in an event, log line or error. */
  token?: string;
  /** Signed mode (signature version 2): the client id and secret, and the shared token store. */
  signed?: SignedCredentials;
  /** Most requests in flight at once (also the pool's connection count). */
  concurrency: number;
  /** Most request starts in any one-second window, retries included. */
  rps: number;
  /** Tries per request, the first included, before a transient failure is thrown. */
  maxAttempts: number;
  /** Whole-request deadline (connect, headers and body), per attempt. Default 30 s. */
  timeoutMs?: number;
  onEvent?: (event: FastmossEvent) => void;
  /** Backoff tuning; tests shrink `baseMs` and `floorMs`. */
  retryTiming?: Partial<RetryTimingOptions>;
  /**
   * The limiter's window. Slightly over 1 s by default so that network jitter cannot make the
   * server see more than `rps` arrivals in its one-second window.
   */
  rateWindowMs?: number;
  /** Starts allowed back to back; default 1 paces starts evenly (see RequestLimiter). */
  rateBurst?: number;
  /** Source of backoff jitter, in [0, 1). */
  random?: () => number;
  /**
   * A rate budget shared with other processes (see RequestStartGate), consulted after this
   * client's own limiter admits a start. Default: none, only this client's limiter.
   */
  startGate?: RequestStartGate;
}

export interface SignedCredentials {
  clientId: string;
  clientSecret: string;
  /** Where the access token is shared with other processes (db/access-token-store.ts). */
  tokenStore: AccessTokenStore;
}

/** Which request an event or error is about. */
export interface RequestMeta {
  /** `rankingKeyLabel(key)`, or `topCreator` for a bare `request`. */
  label: string;
  page: number | undefined;
  /**
   * The ranking's place among those this process began (fetchRanking numbers them): the limiter
   * starts a lower one's requests first. Undefined: after every numbered one, first come first
   * served.
   */
  rankingOrder?: number;
}

export type RequestOutcome = 'ok' | FastmossError['code'];

/** What the client reports for logs and metrics. Never carries the token. */
export type FastmossEvent =
  | ({ type: 'request-started'; attempt: number } & RequestMeta)
  | ({
      type: 'request-finished';
      attempt: number;
      outcome: RequestOutcome;
      /** Set when outcome is `FASTMOSS_TRANSIENT`. */
      reason: TransientReason | undefined;
      status: number | undefined;
      durationMs: number;
    } & RequestMeta)
  | ({
      type: 'retry-scheduled';
      /** The attempt that failed. */
      attempt: number;
      delayMs: number;
      source: 'retry-after' | 'backoff';
      reason: TransientReason;
      message: string;
    } & RequestMeta)
  | ({ type: 'request-skipped'; message: string } & RequestMeta)
  | { type: 'limiter-wait'; waitedMs: number }
  /**
   * A start was missed: its connection was ready too long after its moment (a busy machine), so
   * nothing was sent and the request waits for a new start. Not a call, not an attempt.
   */
  | ({ type: 'start-missed' } & RequestMeta)
  /** Signed mode obtained (`token`) or refreshed (`refreshToken`) its access token. */
  | ({ type: 'token-renewed' } & TokenRenewal);

export interface RequestResult {
  /** The envelope's `data`, numbers kept as strings of their exact digits. */
  data: unknown;
  /** HTTP requests made, retries included. */
  attempts: number;
  requestId: string | undefined;
  /** The successful response's body, verbatim, its status and when it arrived. */
  body: string;
  status: number;
  receivedAt: Date;
}

export interface FetchedPage extends RankingPageData {
  page: number;
  pagesize: number;
  attempts: number;
  /** The response as received, for the archive. */
  raw: RawPage;
}

export interface FastmossClient {
  /** One topCreator call with retries; resolves to the envelope's data or throws a FastmossError. */
  request(body: TopCreatorRequestBody, meta?: Partial<RequestMeta>): Promise<RequestResult>;
  /** One page of a ranking, validated; throws InvalidResponseError naming the field and page. */
  fetchPage(
    key: RankingKey,
    page: number,
    pagesize?: number,
    calls?: CallReservation,
    rankingOrder?: number,
  ): Promise<FetchedPage>;
  /**
   * Counts a ranking's `calls` against the shared daily cap before its first page starts (see
   * RequestStartGate.reserveCalls); a reservation that counts nothing without a cap.
   */
  reserveCalls(calls: number): Promise<CallReservation>;
  /**
   * Begins a new run on this client (a daemon's next cycle). A stop the last run met for a
   * condition that passes with time (a used-up quota, FastMoss unreachable) no longer refuses
   * requests, and the refusal and reachability streaks start again, so the new run tries once,
   * as a restarted process would. A refused token or a plan without access stays: only a change
   * of configuration, which needs a restart, can fix either, so retrying would pay for refusals.
   * Call between runs, with none of its requests in flight.
   */
  startRun(): void;
  /** The secrets in use now (token, client secret, access tokens), for logs to cut out. */
  secrets(): readonly string[];
  /** Closes the connections once in-flight requests finish. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RATE_WINDOW_MS = 1_050;

function checkOptions(options: FastmossClientOptions): URL {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new ConfigError(`FASTMOSS_BASE_URL is not a URL: ${options.baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`FASTMOSS_BASE_URL must be http(s): ${options.baseUrl}`);
  }
  if ((options.token === undefined) === (options.signed === undefined)) {
    throw new ConfigError(
      'give the FastMoss client either a token or signed credentials, not both',
    );
  }
  for (const [name, value] of [
    ['concurrency', options.concurrency],
    ['rps', options.rps],
    ['maxAttempts', options.maxAttempts],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new ConfigError(`FastMoss client ${name} must be a positive number, got ${value}`);
    }
  }
  return url;
}

/** A FastMoss API client: one keep-alive pool, one limiter, retries with backoff. */
export function createFastmossClient(options: FastmossClientOptions): FastmossClient {
  const url = checkOptions(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timing: RetryTimingOptions = { ...DEFAULT_RETRY_TIMING, ...options.retryTiming };
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  const emit = options.onEvent ?? (() => {});
  const prefix = url.pathname.replace(/\/+$/, '');
  const auth = createAuth(options, `${url.origin}${prefix}`, tokenCall, emit);
  const redact = (text: string): string => redactSecrets(text, auth.secrets());
  const credentials =
    auth.mode === 'bearer' ? 'FASTMOSS_TOKEN' : 'FASTMOSS_CLIENT_ID and FASTMOSS_CLIENT_SECRET';

  const pool = new Pool(url.origin, {
    connections: Math.ceil(options.concurrency),
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
  });
  const limiter = new RequestLimiter({
    rps: options.rps,
    concurrency: options.concurrency,
    windowMs: options.rateWindowMs ?? DEFAULT_RATE_WINDOW_MS,
    burst: options.rateBurst,
    onWait: (waitedMs) => emit({ type: 'limiter-wait', waitedMs }),
  });
  /** Once the token or quota is refused, every later request fails at once without a call. */
  let fatal: RunStopError | undefined;
  let stopRecorded: Promise<void> = Promise.resolve();
  /** After "access frequency limit exceeded", no attempt of this client starts before this. */
  let slowedUntil = 0;
  let access = new AccessStreak(NO_ACCESS_REFUSALS_TO_STOP);
  let reachability = new ReachabilityStreak(UNREACHABLE_RANKINGS_TO_STOP);

  /**
   * Waits for a place under the access streak and, for a first attempt, for the reachability
   * streak to let one more request probe; a place held while waiting on the second is given
   * back, so retries of the probing requests are never starved.
   */
  async function admitted(firstAttempt: boolean, probe: symbol): Promise<void> {
    for (;;) {
      await access.enter();
      if (!firstAttempt || reachability.mayStart()) {
        // In the same turn as the check, so two requests woken together cannot both pass it.
        reachability.started(probe);
        return;
      }
      access.leave();
      await reachability.changed();
    }
  }

  /** From now on every request fails at once, without a call. */
  function stopRun(error: RunStopError): void {
    if (fatal === undefined) {
      // Told to the processes sharing the gate; awaited by close(), so an exit does not lose it.
      stopRecorded = Promise.resolve(options.startGate?.recordStop?.(error)).catch(() => {});
    }
    fatal ??= error;
    access.release();
    reachability.release();
  }

  async function attempt(
    body: string,
    meta: RequestMeta,
    where: string,
    attemptNo: number,
    calls: CallReservation | undefined,
  ) {
    let missed: StartPermit | undefined;
    for (;;) {
      const sent = await attemptOnTime(body, meta, where, attemptNo, missed, calls);
      if (!('missed' in sent)) return sent;
      // Nothing was written (no call made): the request waits for a new start.
      missed = sent.missed;
    }
  }

  /**
   * One try at starting the request; 'missed' if its start permit expired before the write,
   * 'stopped' if the run stopped while it waited for its slot (nothing was written either way).
   * Otherwise the answer, still holding its concurrency slot: `release` it once the answer has
   * been acted on, so that a request waiting for the slot sees the run stopped by this answer.
   */
  async function attemptOnTime(
    body: string,
    meta: RequestMeta,
    where: string,
    attemptNo: number,
    missed: StartPermit | undefined,
    calls: CallReservation | undefined,
  ) {
    const pausedMs = slowedUntil - Date.now();
    if (pausedMs > 0) await sleep(pausedMs);
    const { release, permit: limiterPermit } = await limiter.acquire(meta.rankingOrder);
    // The answer of a request that held the slot may have stopped the run meanwhile (a quota,
    // a refused token): this one is not sent.
    const stoppedBy = fatal;
    if (stoppedBy) {
      release();
      return { stopped: stoppedBy };
    }
    let authorized: AuthorizedRequest;
    let permit: StartPermit;
    try {
      // With a shared gate, its moment is the one the start must keep.
      permit = (await options.startGate?.waitForStart(missed, calls)) ?? limiterPermit;
      // After the slot is taken, so the timestamp and token are fresh when the request leaves.
      authorized = await auth.authorize(TOP_CREATOR_PATH, body);
    } catch (error) {
      release();
      throw error;
    }
    let startedAt = performance.now();
    const context = { where, page: meta.page, label: meta.label, redact, credentials };
    let verdict: ReturnType<typeof classifyResponse>;
    let status: number | undefined;
    let bodyText = '';
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const query = authorized.query.toString();
      const onWrite = () => {
        startedAt = performance.now();
        emit({ type: 'request-started', attempt: attemptNo, ...meta });
      };
      const response = await pool.compose(writeOnTime(permit, onWrite)).request({
        path: `${prefix}${TOP_CREATOR_PATH}${query === '' ? '' : `?${query}`}`,
        method: 'POST',
        headers: {
          ...authorized.headers,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: authorized.body,
        signal: deadline,
      });
      status = response.statusCode;
      bodyText = await response.body.text();
      verdict = classifyResponse(
        {
          status: response.statusCode,
          contentType: headerValue(response.headers['content-type']),
          retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), Date.now()),
          bodyText,
        },
        context,
      );
    } catch (error) {
      if (error instanceof MissedStartError) {
        release();
        emit({ type: 'start-missed', ...meta });
        return { missed: permit };
      }
      const cause = deadline.aborted ? deadline.reason : error;
      verdict = { ok: false, error: classifyTransportError(cause, context, timeoutMs) };
    }
    emit({
      type: 'request-finished',
      attempt: attemptNo,
      outcome: verdict.ok ? 'ok' : verdict.error.code,
      reason:
        !verdict.ok && verdict.error instanceof TransientError ? verdict.error.reason : undefined,
      status,
      durationMs: Math.round(performance.now() - startedAt),
      ...meta,
    });
    // The slot is the caller's to give back once it has acted on the answer (see `attempts`).
    return { verdict, bodyText, status, receivedAt: new Date(), authorized, release };
  }

  async function request(
    requestBody: TopCreatorRequestBody,
    partialMeta: Partial<RequestMeta> = {},
    reservation?: CallReservation,
  ): Promise<RequestResult> {
    const meta: RequestMeta = {
      label: partialMeta.label ?? 'topCreator',
      page: partialMeta.page,
      rankingOrder: partialMeta.rankingOrder,
    };
    const where = meta.page === undefined ? meta.label : `${meta.label} page ${meta.page}`;
    const body = JSON.stringify(requestBody);
    /** Requests sent; more than the attempts when a refused token was renewed and tried again. */
    let calls = 0;
    let renewed = false;
    const probe = Symbol(where);
    try {
      return await attempts();
    } finally {
      reachability.settled(probe);
    }

    async function attempts(): Promise<RequestResult> {
      for (let attemptNo = 1; ; attemptNo += 1) {
        await admitted(attemptNo === 1, probe);
        if (fatal) {
          access.leave();
          throw skipped(fatal, meta, where, calls);
        }
        let sent: Awaited<ReturnType<typeof attempt>>;
        try {
          sent = await attempt(body, meta, where, attemptNo, reservation);
        } catch (error) {
          access.answered('other');
          // The token endpoint refused the credentials (or stayed unreachable): no call was made.
          if (isFatalToRun(error)) stopRun(error);
          if (error instanceof FastmossError) error.apiCalls = calls;
          throw error;
        }
        if ('stopped' in sent && sent.stopped) {
          access.leave();
          throw skipped(sent.stopped, meta, where, calls);
        }
        calls += 1;
        const { verdict, bodyText, status, receivedAt, authorized, release } = sent;
        let error: FastmossError;
        try {
          if (status !== undefined) reachability.reached(probe);
          const refusalsStop = access.answered(accessAnswerOf(verdict));
          if (refusalsStop && !verdict.ok && verdict.error instanceof NoAccessError) {
            accessStop(verdict.error);
          }
          if (verdict.ok) {
            return {
              data: verdict.data,
              attempts: calls,
              requestId: verdict.requestId,
              body: bodyText,
              status: status ?? 200,
              receivedAt,
            };
          }
          error = verdict.error;
          error.apiCalls = calls;
          if (error instanceof AuthError && !renewed) {
            // An expired or revoked access token: renewed once and tried again, not an attempt.
            let retry: boolean;
            try {
              retry = await auth.renewAfterRefusal(authorized);
            } catch (renewalError) {
              if (isFatalToRun(renewalError)) stopRun(renewalError);
              if (renewalError instanceof FastmossError) renewalError.apiCalls = calls;
              throw renewalError;
            }
            if (retry) {
              renewed = true;
              attemptNo -= 1;
              continue;
            }
          }
          if (error instanceof InvalidResponseError && meta.page !== undefined) {
            // A whole answer that is not a valid envelope: kept for the quarantine like a bad page.
            error.rawPages = [
              {
                page: meta.page,
                pagesize: requestBody.pagesize,
                body: bodyText,
                requestId: error.requestId ?? null,
                status: status ?? 0,
                attempts: calls,
                receivedAt,
              },
            ];
          }
          if (isFatalToRun(error)) stopRun(error);
        } finally {
          release();
        }
        if (!(error instanceof TransientError)) throw error;
        const slowingDown = error.reason === 'frequency-limited';
        if (error.reason === 'unreachable') reachability.failedToReach(probe);
        if (attemptNo >= maxAttempts) {
          if (slowingDown) throw frequencyStop(error, calls);
          if (error.reason === 'unreachable' && reachability.gaveUpOn(probe, meta.label)) {
            throw unreachableStop(error, calls);
          }
          error.message = `${error.message} (gave up after ${calls} attempts)`;
          throw error;
        }
        const delay = slowingDown
          ? slowDownDelay(attemptNo, error.retryAfterMs, random, timing)
          : retryDelay(attemptNo, error.retryAfterMs, random, timing);
        if (slowingDown) {
          // Every request of this client waits too, and, through the gate, every process's.
          slowedUntil = Math.max(slowedUntil, Date.now() + delay.delayMs);
          await options.startGate?.slowDown?.(delay.delayMs);
        }
        emit({
          type: 'retry-scheduled',
          attempt: attemptNo,
          delayMs: delay.delayMs,
          source: delay.source,
          reason: error.reason,
          message: error.message,
          ...meta,
        });
        if (delay.delayMs > 0) await sleep(delay.delayMs);
      }
    }
  }

  /**
   * 30003 still answered on the last attempt. The guide's other wording of it is a limit on the
   * number of accesses, a quota: the run stops rather than spend more calls being refused.
   */
  function frequencyStop(error: TransientError, attempts: number): QuotaError {
    const stop = new QuotaError(
      `${error.message}. Still refused after ${attempts} attempts, so this is taken as the plan's limit on the number of calls: the run stops, and rankings not fetched stay pending.`,
      {
        status: error.status,
        apiCode: error.apiCode,
        requestId: error.requestId,
        page: error.page,
      },
    );
    stop.apiCalls = attempts;
    stopRun(stop);
    return stop;
  }

  /** The last of UNREACHABLE_RANKINGS_TO_STOP rankings in a row gave up without reaching FastMoss. */
  function unreachableStop(error: TransientError, attempts: number): UnreachableError {
    const stop = new UnreachableError(
      `FastMoss cannot be reached at ${url.origin}: ${reachability.inARow} rankings in a row gave up after ${attempts} attempts each without an answer (the last: ${error.message}). The run stops; rankings not fetched stay pending. Check FASTMOSS_BASE_URL and the network.`,
      { page: error.page, cause: error },
    );
    stop.apiCalls = attempts;
    stopRun(stop);
    return stop;
  }

  /**
   * The third refusal in a row: its own ranking fails as refused, and the run stops, so a plan
   * the account has no access to costs at most NO_ACCESS_REFUSALS_TO_STOP calls.
   */
  function accessStop(error: NoAccessError): void {
    stopRun(
      new NoAccessError(
        `FastMoss refused access (code 30001, no access permission) to ${access.inARow} requests in a row, the last: ${error.message}. This account's plan does not cover the selection; the run stops, and rankings not fetched stay pending.`,
        {
          status: error.status,
          apiCode: error.apiCode,
          requestId: error.requestId,
          stopsRun: true,
        },
      ),
    );
  }

  function skipped(
    earlier: RunStopError,
    meta: RequestMeta,
    where: string,
    callsMade: number,
  ): RunStopError {
    const message = `Not sent: ${where}; an earlier request failed (${earlier.code}): ${earlier.message}`;
    emit({ type: 'request-skipped', message, ...meta });
    const details = { page: meta.page, cause: earlier };
    const error =
      earlier instanceof AuthError
        ? new AuthError(message, details)
        : earlier instanceof NoAccessError
          ? new NoAccessError(message, { ...details, stopsRun: true })
          : earlier instanceof UnreachableError
            ? new UnreachableError(message, details)
            : new QuotaError(message, details);
    error.apiCalls = callsMade;
    return error;
  }

  async function fetchPage(
    key: RankingKey,
    page: number,
    pagesize = MAX_PAGE_SIZE,
    calls?: CallReservation,
    rankingOrder?: number,
  ): Promise<FetchedPage> {
    const label = rankingKeyLabel(key);
    const result = await request(
      topCreatorRequestBody(key, page, pagesize),
      { label, page, rankingOrder },
      calls,
    );
    const raw: RawPage = {
      page,
      pagesize,
      body: result.body,
      requestId: result.requestId ?? null,
      status: result.status,
      attempts: result.attempts,
      receivedAt: result.receivedAt,
    };
    try {
      const data = readRankingPage(result.data, `${label} page ${page}`, page);
      return { ...data, page, pagesize, attempts: result.attempts, raw };
    } catch (error) {
      if (error instanceof InvalidResponseError) {
        error.apiCalls = result.attempts;
        error.rawPages = [raw];
      }
      throw error;
    }
  }

  /** Signed mode's token calls: through the shared budget, unsigned, one try each. */
  async function tokenCall(tokenPath: string, body: string): Promise<TokenCallAnswer> {
    let missed: StartPermit | undefined;
    for (;;) {
      const permit = (await options.startGate?.waitForStart(missed)) ?? UNPACED_START;
      const answer = await tokenCallOnTime(tokenPath, body, permit);
      if (answer !== 'missed') return answer;
      missed = permit;
    }
  }

  async function tokenCallOnTime(
    tokenPath: string,
    body: string,
    permit: StartPermit,
  ): Promise<TokenCallAnswer | 'missed'> {
    const where = `POST ${tokenPath}`;
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const response = await pool.compose(writeOnTime(permit, () => {})).request({
        path: `${prefix}${tokenPath}`,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal: deadline,
      });
      return { status: response.statusCode, bodyText: await response.body.text() };
    } catch (error) {
      if (error instanceof MissedStartError) return 'missed';
      const cause = deadline.aborted ? deadline.reason : error;
      throw classifyTransportError(cause, { where, page: undefined, redact }, timeoutMs);
    }
  }

  return {
    request: (body, meta) => request(body, meta),
    fetchPage,
    reserveCalls: async (calls) =>
      (await options.startGate?.reserveCalls?.(calls)) ?? NO_RESERVATION,
    startRun: () => {
      if (
        fatal !== undefined &&
        !(fatal instanceof QuotaError || fatal instanceof UnreachableError)
      )
        return;
      fatal = undefined;
      access = new AccessStreak(NO_ACCESS_REFUSALS_TO_STOP);
      reachability = new ReachabilityStreak(UNREACHABLE_RANKINGS_TO_STOP);
    },
    secrets: () => auth.secrets(),
    close: async () => {
      await stopRecorded;
      await pool.close();
    },
  };
}

/** What an answer says about this account's access, for the refusal streak. */
function accessAnswerOf(verdict: ReturnType<typeof classifyResponse>): AccessAnswer {
  if (verdict.ok || verdict.error instanceof NotAvailableError) return 'access';
  return verdict.error instanceof NoAccessError ? 'refused' : 'other';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The client's RequestAuth: bearer with a token, signed with a client id and secret. */
function createAuth(
  clientOptions: FastmossClientOptions,
  api: string,
  tokenCall: TokenCall,
  emitEvent: (event: FastmossEvent) => void,
): RequestAuth {
  if (clientOptions.token !== undefined) return bearerAuth(clientOptions.token);
  const signed = clientOptions.signed;
  if (signed === undefined) throw new ConfigError('the FastMoss client has no credentials');
  return signedAuth({
    api,
    clientId: signed.clientId,
    clientSecret: signed.clientSecret,
    store: signed.tokenStore,
    call: tokenCall,
    maxAttempts: clientOptions.maxAttempts,
    retryTiming: clientOptions.retryTiming,
    random: clientOptions.random,
    onRenewed: (renewal) => emitEvent({ type: 'token-renewed', ...renewal }),
  });
}
