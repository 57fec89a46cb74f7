import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { AccessTokenKey, AccessTokenStore, StoredAccessToken } from './access-token-store.ts';
import { AuthError, TransientError } from './errors.ts';
import { parseLossless } from './lossless-parse.ts';
import {
  type AuthorizedRequest,
  checkCredential,
  type RequestAuth,
  redactSecrets,
} from './request-auth.ts';
import { DEFAULT_RETRY_TIMING, type RetryTimingOptions, retryDelay } from './retry-timing.ts';
import { SIGNATURE_VERSION, signatureV2 } from './signature.ts';
import { openGrant, sealGrant, type TokenGrant } from './token-seal.ts';

/*
 * Signed mode (signature version 2). An access token comes from `POST /v1/token` and is renewed
 * through `POST /v1/refreshToken` a little before `expires_in` ends, or obtained anew when a
 * refresh is refused; the refresh token each answer returns replaces the one before. The token
 * is shared through an AccessTokenStore, so every process on one database uses one token, and
 * a renewal happens once (under the store's lock), not once per process or per request.
 *
 * Every data call carries `client_id`, `access_token`, `timestamp`, `sign` and
 * `signature_version=2` as URL parameters. `sign` covers the API path as FastMoss documents it
 * (`/live/v1/rank/topCreator`): a path prefix in FASTMOSS_BASE_URL (a proxy in front of
 * FastMoss) is not signed, since FastMoss checks the path it receives after the proxy.
 */

export const TOKEN_PATH = '/v1/token';
export const REFRESH_TOKEN_PATH = '/v1/refreshToken';

/** What arrived from a token call; a connection failure is thrown as a TransientError. */
export interface TokenCallAnswer {
  status: number;
  bodyText: string;
}

/** One POST of a JSON body to a token path, without signing; the client provides it. */
export type TokenCall = (path: string, body: string) => Promise<TokenCallAnswer>;

/** Why a token was obtained, for the operator's log. */
export interface TokenRenewal {
  via: 'token' | 'refreshToken';
  expiresInSeconds: number;
}

export interface SignedAuthOptions {
  api: string;
  clientId: string;
  clientSecret: string;
  store: AccessTokenStore;
  call: TokenCall;
  /** Tries per token call before a transient failure is thrown. */
  maxAttempts: number;
  retryTiming?: Partial<RetryTimingOptions>;
  random?: () => number;
  now?: () => number;
  onRenewed?: (renewal: TokenRenewal) => void;
}

/** Renew this long before the end, at most: a tenth of the lifetime for short-lived tokens. */
const MAX_RENEW_MARGIN_MS = 60_000;

/** Text, or a bare integer where text belongs (parseLossless leaves short integers as numbers). */
const text = z.union([z.string(), z.number().transform(String)]);

const tokenEnvelopeSchema = z.object({
  code: z.coerce.number(),
  msg: text.nullish(),
  message: text.nullish(),
  data: z.unknown().optional(),
});

const tokenDataSchema = z.object({
  access_token: text.pipe(z.string().min(1)),
  refresh_token: text.pipe(z.string().min(1)),
  expires_in: z.coerce.number().positive(),
});

type TokenAnswer =
  | { ok: true; grant: TokenGrant }
  | { ok: false; refusal: string; status: number; apiCode: number | undefined };

export function signedAuth(options: SignedAuthOptions): RequestAuth {
  checkCredential('FASTMOSS_CLIENT_ID', options.clientId);
  checkCredential('FASTMOSS_CLIENT_SECRET', options.clientSecret);
  const { clientId, clientSecret, store } = options;
  const key: AccessTokenKey = { api: options.api, clientId };
  const now = options.now ?? Date.now;
  const timing: RetryTimingOptions = { ...DEFAULT_RETRY_TIMING, ...options.retryTiming };
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  /** The secret and every token seen: cut out of anything FastMoss sends back. */
  const seen = new Set<string>([clientSecret]);
  const secrets = () => [...seen];
  const redact = (text: string) => redactSecrets(text, secrets());

  let current: { grant: TokenGrant; generation: number } | undefined;
  let generations = 0;
  let renewing: Promise<{ grant: TokenGrant; generation: number }> | undefined;
  /** Once FastMoss refuses the credentials, nothing more is asked of it. */
  let refused: AuthError | undefined;

  function adopt(grant: TokenGrant) {
    seen.add(grant.accessToken);
    seen.add(grant.refreshToken);
    if (current?.grant.accessToken === grant.accessToken) return current;
    generations += 1;
    current = { grant, generation: generations };
    return current;
  }

  const usable = (grant: TokenGrant | undefined): grant is TokenGrant =>
    grant !== undefined && now() < grant.renewAtMs;

  /** One token call, retried on transient failures; a refusal is an answer, not an error. */
  async function ask(path: string, body: Record<string, string>): Promise<TokenAnswer> {
    const text = JSON.stringify(body);
    for (let attempt = 1; ; attempt += 1) {
      const startedAt = now();
      let failure: TransientError;
      try {
        const answer = await options.call(path, text);
        const read = readTokenAnswer(answer, path, startedAt);
        if (!(read instanceof TransientError)) return read;
        failure = read;
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        failure = error;
      }
      if (attempt >= maxAttempts) {
        failure.message = redact(`${failure.message} (gave up after ${attempt} attempts)`);
        throw failure;
      }
      const delay = retryDelay(attempt, failure.retryAfterMs, random, timing);
      if (delay.delayMs > 0) await sleep(delay.delayMs);
    }
  }

  function readTokenAnswer(
    answer: TokenCallAnswer,
    path: string,
    startedAt: number,
  ): TokenAnswer | TransientError {
    const where = `POST ${path}`;
    if (answer.status >= 500 || answer.status === 429 || answer.status === 408) {
      return new TransientError(
        `FastMoss answered ${where} with HTTP ${answer.status}`,
        answer.status === 429 ? 'rate-limited' : 'server-error',
        { status: answer.status },
      );
    }
    let parsed: unknown;
    try {
      parsed = parseLossless(answer.bodyText);
    } catch {
      return new TransientError(
        `FastMoss answered ${where} with a body that is not JSON (HTTP ${answer.status})`,
        'unparseable-body',
        { status: answer.status },
      );
    }
    const envelope = tokenEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      return {
        ok: false,
        refusal: `HTTP ${answer.status}, not a FastMoss envelope`,
        status: answer.status,
        apiCode: undefined,
      };
    }
    const said = envelope.data.msg || envelope.data.message || '';
    const data = tokenDataSchema.safeParse(envelope.data.data);
    if (answer.status !== 200 || envelope.data.code !== 0 || !data.success) {
      const detail = said ? `: ${redact(said)}` : data.success ? '' : ': no token in the answer';
      return {
        ok: false,
        refusal: `HTTP ${answer.status}, code ${envelope.data.code}${detail}`,
        status: answer.status,
        apiCode: envelope.data.code,
      };
    }
    const lifetimeMs = data.data.expires_in * 1000;
    const margin = Math.min(MAX_RENEW_MARGIN_MS, lifetimeMs / 10);
    // Counted from when the call was sent, so the token is never thought to last longer.
    const grant: TokenGrant = {
      accessToken: data.data.access_token,
      refreshToken: data.data.refresh_token,
      expiresAtMs: startedAt + lifetimeMs,
      renewAtMs: startedAt + lifetimeMs - margin,
    };
    seen.add(grant.accessToken);
    seen.add(grant.refreshToken);
    options.onRenewed?.({
      via: path === REFRESH_TOKEN_PATH ? 'refreshToken' : 'token',
      expiresInSeconds: data.data.expires_in,
    });
    return { ok: true, grant };
  }

  /** A new grant: refreshed when a refresh token is at hand and accepted, else obtained anew. */
  async function obtain(previous: TokenGrant | undefined): Promise<TokenGrant> {
    if (previous) {
      const refreshed = await ask(REFRESH_TOKEN_PATH, {
        client_id: clientId,
        refresh_token: previous.refreshToken,
      });
      if (refreshed.ok) return refreshed.grant;
    }
    const obtained = await ask(TOKEN_PATH, { client_id: clientId, client_secret: clientSecret });
    if (obtained.ok) return obtained.grant;
    refused = new AuthError(
      `FastMoss refused FASTMOSS_CLIENT_ID / FASTMOSS_CLIENT_SECRET at POST ${TOKEN_PATH} (${obtained.refusal}). Check both values (and that FASTMOSS_BASE_URL is the host that issued them); the run stops.`,
      { status: obtained.status, apiCode: obtained.apiCode },
    );
    throw refused;
  }

  function seal(grant: TokenGrant): StoredAccessToken {
    return {
      sealed: sealGrant(grant, clientSecret, clientId),
      expiresAt: new Date(grant.expiresAtMs),
    };
  }

  /**
   * The shared token, renewed under the store's lock when it is due or is `stale` (the one a
   * refusal was about). Another process may have renewed it meanwhile: then that one is used.
   */
  function renew(stale: string | undefined) {
    renewing ??= (async () => {
      let obtained: TokenGrant | undefined;
      const stored = await store.withLock(key, async (found) => {
        const shared = found ? openGrant(found.sealed, clientSecret, clientId) : undefined;
        if (found && usable(shared) && shared.accessToken !== stale) return found;
        obtained = await obtain(shared ?? current?.grant);
        return seal(obtained);
      });
      const grant = obtained ?? openGrant(stored.sealed, clientSecret, clientId);
      if (!grant) throw new Error('the token store returned a token this client cannot open');
      return adopt(grant);
    })().finally(() => {
      renewing = undefined;
    });
    return renewing;
  }

  async function valid() {
    if (refused) throw refused;
    if (current && usable(current.grant)) return current;
    return renew(undefined);
  }

  return {
    mode: 'signed',
    async authorize(path: string, body: string): Promise<AuthorizedRequest> {
      const { grant, generation } = await valid();
      const bytes = Buffer.from(body, 'utf8');
      const query = new URLSearchParams({
        client_id: clientId,
        access_token: grant.accessToken,
        timestamp: String(Math.floor(now() / 1000)),
        sign: signatureV2(clientSecret, path, bytes),
        signature_version: SIGNATURE_VERSION,
      });
      return { body: bytes, headers: {}, query, generation };
    },
    async renewAfterRefusal(request: AuthorizedRequest): Promise<boolean> {
      if (refused) throw refused;
      if (current && current.generation !== request.generation && usable(current.grant)) {
        return true;
      }
      const stale =
        current?.generation === request.generation ? current.grant.accessToken : undefined;
      await renew(stale);
      return true;
    },
    secrets,
  };
}
