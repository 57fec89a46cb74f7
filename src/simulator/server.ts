/**
 * A FastMoss-compatible `POST /live/v1/rank/topCreator`, for tests, benchmarks and the demo.
 * node:http only; deterministic data; faults on demand.
 *
 * Options of `startSimulator`:
 * - `port` (default 0: a free port), `host` (default 127.0.0.1).
 * - `token`: the one accepted Bearer token (default `sim-token`).
 * - `signed`: signed mode instead of bearer (see signed-mode.ts): client id and secret, token
 *   lifetime, whether refreshes are honoured. Adds `POST /v1/token` and `POST /v1/refreshToken`;
 *   data calls must then carry a valid signature and a live access token.
 * - `rps`: most requests accepted in any sliding second; beyond it HTTP 429 with `Retry-After`.
 * - `latencyMs: [min, max]`: a seeded delay before every answer (default none).
 * - `seed`: seeds faults, latency and request ids (data depends only on the request).
 * - `envelope`: the name of the envelope's message field, `msg` (FastMoss's guide; default) or
 *   `message` (the endpoint page's example).
 * - `quirks(key)`: per-ranking data faults: a list that ends early, a corrupt field, a documented
 *   code answered for every request of that ranking (e.g. 20001: not published yet).
 * - `pageSizeCap`: most rows a page is served with, as a FastMoss plan caps `pagesize` (free
 *   plans at 10): asking for more is accepted (the `page * pagesize <= 500` rule still applies to
 *   the size asked) and page `p` holds ranks `(p-1)*cap+1 .. p*cap`. Default none.
 * - `faults`: see FaultOptions; all off by default; `setFaults` replaces them at run time.
 *
 * Order of checks per request: unknown path or method (404) -> `rps` limit (429, outcome
 * `rateLimited`) -> token calls in signed mode (no faults) -> scripted or random fault -> Bearer
 * token, or in signed mode signature and access token (HTTP 401) -> the document's request
 * rules (HTTP 200, code 10001, `Invalid parameter: ...`) -> the ranking's quirk code -> the page.
 *
 * Fault kinds (`faults.script` steps, or drawn per request from the `rate*` options):
 * - `429`: HTTP 429, `Retry-After: retryAfterSeconds` (default 1), code 42901.
 * - `5xx`: HTTP 500/502/503/504, code 50001 envelope.
 * - `html` / `html200`: an nginx-style HTML error page, `text/html`, HTTP 502 / 200.
 * - `stall`: nothing for `stallMs` (default 60 s), then served if `stallThenAnswer`, else never.
 * - `truncated`: HTTP 200, the first half of the JSON body, then a clean end (chunked).
 * - `reset`: the socket destroyed before any answer.
 * - `10001`, `20001`, `30001`, `30002`, `30003`, `40001`: HTTP 200 with that code of FastMoss's
 *   guide and its message (DOCUMENTED_MESSAGES), data null.
 * - `envelope`: the same as `40001` "Service exception" (counted apart, an older name).
 * - `quota`: the same as `30002` "Data limit exceeded" (counted apart, an older name).
 * - `unauthorized`: HTTP 401 as for a wrong token.
 * - `ok` (script only): no fault for this request.
 *
 * Quirks served on purpose, as the document's example shows the real API: the creator `uid` is
 * a bare 19-digit JSON number, top-live ids are strings, top lives say `uints_sold`, money is
 * decimal, `date_type` / `date_value` are echoed. A 401 message echoes the presented token, so
 * a client that logs server messages verbatim leaks it (ours redacts it).
 *
 * Counters (`counters`, reset by `reset()`): total, per outcome, per ranking key and page
 * (`callsFor(key, page?)`), arrival times (`starts`, `maxStartsInWindow(ms)`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { RankingKey } from '../domain/ranking.ts';
import { TOP_CREATOR_PATH } from '../fastmoss/request-body.ts';
import { REFRESH_TOKEN_PATH, TOKEN_PATH } from '../fastmoss/signed-auth.ts';
import {
  DOCUMENTED_MESSAGES,
  type DocumentedCode,
  SIM_CODES,
  SIM_MESSAGES,
  unauthorizedMessage,
} from './codes.ts';
import { SimulatorCounters, type SimulatorOutcome } from './counters.ts';
import { rankingRows, rankingTotal } from './data.ts';
import { type FaultOptions, FaultPlan, type ScriptStep } from './faults.ts';
import { seededRandom } from './random.ts';
import {
  type CorruptField,
  envelopeText,
  type MessageField,
  rankingPageText,
  requestIdFor,
} from './render.ts';
import { checkTopCreatorRequest, type RequestCheck } from './request.ts';
import { type SignedAnswer, SignedMode, type SignedModeOptions } from './signed-mode.ts';

export { SimulatorCounters, type SimulatorOutcome } from './counters.ts';
export type { FaultKind, FaultOptions, ScriptStep } from './faults.ts';
export type { SignedMode, SignedModeOptions } from './signed-mode.ts';

/** How one ranking's data misbehaves, for tests of validation, quarantine and quality flags. */
export interface RankingQuirk {
  /** The list ends after this many rows although `total` promises more; later pages are empty. */
  listEndsAfter?: number;
  /** One field of one row sent as `value` instead (e.g. `live_gmv: "N/A"`). */
  corrupt?: CorruptField;
  /** Every request for this ranking answered with this documented code (e.g. 20001, 30001). */
  code?: DocumentedCode;
}

export interface SimulatorOptions {
  /** Per-ranking data quirks; default none. */
  quirks?: (key: RankingKey) => RankingQuirk | undefined;
  port?: number;
  host?: string;
  token?: string;
  /** Signed mode instead of bearer; `token` is then ignored. */
  signed?: SignedModeOptions;
  faults?: FaultOptions;
  rps?: number;
  latencyMs?: [number, number];
  seed?: number;
  /** The envelope's message field: `msg` (default, FastMoss's guide) or `message`. */
  envelope?: MessageField;
  /** Most rows served a page, whatever `pagesize` asks (a plan's cap); default none. */
  pageSizeCap?: number;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT`, the client's base URL. */
  url: string;
  port: number;
  counters: SimulatorCounters;
  /** Signed mode's tokens (expire, revoke, list issued); undefined in bearer mode. */
  signed: SignedMode | undefined;
  setFaults(faults: FaultOptions): void;
  /** Clears counters and the rate window; restarts the fault script and random sequences. */
  reset(): void;
  /** Stops listening and drops every connection, stalled ones included. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

const TOKEN_PATHS = new Set([TOKEN_PATH, REFRESH_TOKEN_PATH]);

const HTML_PAGE = (status: number) =>
  `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RangeError('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const acceptedToken = options.token ?? 'sim-token';
  const signed = options.signed ? new SignedMode(options.signed) : undefined;
  const seed = options.seed ?? 1;
  const counters = new SimulatorCounters();
  const faults = new FaultPlan(options.faults ?? {}, seed);
  let latencyRandom = seededRandom(seed ^ 0x5eed);
  let sequence = 0;
  /** Arrival times of requests let through the `rps` limit within the last second. */
  let acceptedStarts: number[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const messageField = options.envelope ?? 'msg';
  const stamp = () => {
    sequence += 1;
    return {
      timestamp: Math.floor(Date.now() / 1000),
      requestId: requestIdFor(sequence, seed),
      messageField,
    };
  };

  const later = (ms: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  function latency(): number {
    if (!options.latencyMs) return 0;
    const [min, max] = options.latencyMs;
    return min + latencyRandom() * (max - min);
  }

  function send(
    response: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    const delay = latency();
    const write = () => {
      if (response.destroyed) return;
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      });
      response.end(body);
    };
    if (delay > 0) later(delay, write);
    else write();
  }

  function sendEnvelope(
    response: ServerResponse,
    status: number,
    code: number,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    send(response, status, envelopeText(code, null, message, stamp()), headers);
  }

  function overRateLimit(arrivedAt: number): number | undefined {
    if (options.rps === undefined) return undefined;
    acceptedStarts = acceptedStarts.filter((start) => start > arrivedAt - 1000);
    if (acceptedStarts.length >= options.rps) {
      const oldest = acceptedStarts[0] ?? arrivedAt;
      return Math.max(1, Math.ceil((oldest + 1000 - arrivedAt) / 1000));
    }
    acceptedStarts.push(arrivedAt);
    return undefined;
  }

  /** Answers HTTP 429 when the request is beyond `rps`; true when it did. */
  function refusedOverRate(arrivedAt: number, response: ServerResponse): boolean {
    const retryAfter = overRateLimit(arrivedAt);
    if (retryAfter === undefined) return false;
    counters.recordOutcome('rateLimited');
    sendEnvelope(response, 429, SIM_CODES.rateLimited, SIM_MESSAGES.rateLimited, {
      'retry-after': String(retryAfter),
    });
    return true;
  }

  /** Signed mode's `POST /v1/token` and `POST /v1/refreshToken`. */
  function serveTokenCall(
    mode: SignedMode,
    path: string,
    bodyText: string,
    response: ServerResponse,
  ): void {
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      body = undefined;
    }
    const now = Date.now();
    sendSigned(
      response,
      path === TOKEN_PATH ? mode.token(body, now) : mode.refreshToken(body, now),
    );
  }

  function sendSigned(response: ServerResponse, answer: SignedAnswer): void {
    counters.recordOutcome(answer.outcome);
    send(response, answer.status, envelopeText(answer.code, answer.data, answer.message, stamp()));
  }

  /** The answer when no fault applies: auth, then the request rules, then the page. */
  function serve(
    request: IncomingMessage,
    response: ServerResponse,
    check: RequestCheck,
    rawBody: Buffer,
  ): void {
    if (signed) {
      const url = new URL(request.url ?? '/', 'http://simulator');
      const refusal = signed.checkDataCall(url, rawBody, Date.now());
      if (refusal) {
        sendSigned(response, refusal);
        return;
      }
    } else {
      const presented = bearerToken(request);
      if (presented !== acceptedToken) {
        counters.recordOutcome('unauthorized');
        const message =
          presented === undefined ? SIM_MESSAGES.missingToken : unauthorizedMessage(presented);
        sendEnvelope(response, 401, SIM_CODES.unauthorized, message);
        return;
      }
    }
    if (!check.ok) {
      counters.recordOutcome('invalid');
      sendEnvelope(response, 200, SIM_CODES.invalidParameter, check.message);
      return;
    }
    const quirkCode = options.quirks?.(check.query.key)?.code;
    if (quirkCode !== undefined) {
      counters.recordOutcome(`${quirkCode}`);
      sendEnvelope(response, 200, quirkCode, DOCUMENTED_MESSAGES[quirkCode]);
      return;
    }
    counters.recordOutcome('ok');
    send(response, 200, pageText(check));
  }

  function pageText(check: RequestCheck): string {
    if (!check.ok) return envelopeText(SIM_CODES.invalidParameter, null, check.message, stamp());
    const { key, page } = check.query;
    const pagesize = Math.min(check.query.pagesize, options.pageSizeCap ?? check.query.pagesize);
    const total = rankingTotal(key);
    const quirk = options.quirks?.(key);
    const from = (page - 1) * pagesize + 1;
    const to = Math.min(page * pagesize, total, 500, quirk?.listEndsAfter ?? 500);
    const rows = from <= to ? rankingRows(key, from, to) : [];
    return rankingPageText(key, total, rows, stamp(), quirk?.corrupt);
  }

  function fault(
    step: Exclude<ScriptStep, 'ok'>,
    request: IncomingMessage,
    response: ServerResponse,
    check: RequestCheck,
    rawBody: Buffer,
  ): void {
    const settings = faults.settings;
    const outcome: SimulatorOutcome = step === 'html200' ? 'html' : step;
    switch (step) {
      case '429':
        counters.recordOutcome(outcome);
        sendEnvelope(response, 429, SIM_CODES.rateLimited, SIM_MESSAGES.rateLimited, {
          'retry-after': String(settings.retryAfterSeconds ?? 1),
        });
        return;
      case '5xx': {
        counters.recordOutcome(outcome);
        const status = [500, 502, 503, 504][Math.floor(faults.draw() * 4)] ?? 500;
        sendEnvelope(response, status, SIM_CODES.internalError, SIM_MESSAGES.internalError);
        return;
      }
      case 'html':
      case 'html200': {
        counters.recordOutcome(outcome);
        const body = HTML_PAGE(502);
        send(response, step === 'html' ? 502 : 200, body, {
          'content-type': 'text/html; charset=utf-8',
        });
        return;
      }
      case 'stall':
        counters.recordOutcome(outcome);
        later(settings.stallMs ?? 60_000, () => {
          if (settings.stallThenAnswer && !response.destroyed) {
            serve(request, response, check, rawBody);
          }
        });
        return;
      case 'truncated': {
        counters.recordOutcome(outcome);
        const body = pageText(check);
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(body.slice(0, Math.floor(body.length / 2)));
        return;
      }
      case 'reset':
        counters.recordOutcome(outcome);
        request.socket.destroy();
        return;
      case 'envelope':
        counters.recordOutcome(outcome);
        sendEnvelope(response, 200, SIM_CODES.serviceException, DOCUMENTED_MESSAGES[40001]);
        return;
      case 'quota':
        counters.recordOutcome(outcome);
        sendEnvelope(response, 200, SIM_CODES.dataLimit, DOCUMENTED_MESSAGES[30002]);
        return;
      case '10001':
      case '20001':
      case '30001':
      case '30002':
      case '30003':
      case '40001': {
        counters.recordOutcome(outcome);
        const code = Number(step) as DocumentedCode;
        sendEnvelope(response, 200, code, DOCUMENTED_MESSAGES[code]);
        return;
      }
      case 'unauthorized':
        counters.recordOutcome(outcome);
        sendEnvelope(
          response,
          401,
          SIM_CODES.unauthorized,
          unauthorizedMessage(bearerToken(request) ?? ''),
        );
        return;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    counters.recordStart(arrivedAt);
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    const rawBody = await readBody(request);
    const bodyText = rawBody.toString('utf8');
    if (signed && request.method === 'POST' && TOKEN_PATHS.has(path)) {
      if (!refusedOverRate(arrivedAt, response)) serveTokenCall(signed, path, bodyText, response);
      return;
    }
    if (request.method !== 'POST' || path !== TOP_CREATOR_PATH) {
      counters.recordOutcome('notFound');
      sendEnvelope(response, 404, SIM_CODES.notFound, SIM_MESSAGES.notFound);
      return;
    }
    let body: unknown;
    let check: RequestCheck;
    try {
      body = JSON.parse(bodyText);
      check = checkTopCreatorRequest(body, new Date());
    } catch {
      check = { ok: false, message: 'Invalid parameter: the body is not JSON' };
    }
    if (check.ok) counters.recordPage(check.query.key, check.query.page, check.query.pagesize);

    if (refusedOverRate(arrivedAt, response)) return;
    const step = faults.next();
    if (step === 'ok') serve(request, response, check, rawBody);
    else fault(step, request, response, check, rawBody);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent && !response.destroyed) {
        sendEnvelope(response, 500, SIM_CODES.internalError, SIM_MESSAGES.internalError);
      } else {
        response.destroy();
      }
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('the simulator is not listening on a TCP port');
  }
  const { port } = address;

  return {
    url: `http://${host}:${port}`,
    port,
    counters,
    signed,
    setFaults: (next) => faults.set(next),
    reset: () => {
      counters.reset();
      faults.reset();
      latencyRandom = seededRandom(seed ^ 0x5eed);
      acceptedStarts = [];
      sequence = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
