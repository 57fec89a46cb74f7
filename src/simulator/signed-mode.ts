import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SIGNATURE_VERSION, signatureV2 } from '../fastmoss/signature.ts';
import type { SimulatorOutcome } from './counters.ts';

/*
 * The simulator's signed mode (signature version 2), as FASTMOSS-API.md describes the vendor's:
 * `POST /v1/token` {client_id, client_secret} and `POST /v1/refreshToken` {client_id,
 * refresh_token} answer {access_token, refresh_token, expires_in}; a refresh rotates both tokens
 * (the refresh token used is spent). Every data call must carry client_id, access_token,
 * timestamp, sign and signature_version=2 in its URL, `sign` over the path and the exact body
 * bytes received.
 *
 * FastMoss documents no code for a refused token or signature, so these are the simulator's own,
 * answered as a vendor would: HTTP 401 with the envelope (the client reads the status first).
 * Like the bearer 401, the messages echo what was presented (the token, the secret), so a client
 * that quotes server messages verbatim would leak it.
 */

export const SIGNED_CODES = {
  tokenExpired: 40102,
  badSignature: 40103,
  badCredentials: 40104,
  badRefreshToken: 40105,
} as const;

export interface SignedModeOptions {
  clientId: string;
  clientSecret: string;
  /** `expires_in` of every access token, in seconds. Default 7200. */
  tokenTtlSeconds?: number;
  /** false: every refresh is refused, so a client must obtain a new token each time. Default true. */
  refresh?: boolean;
  /** Largest difference between a call's `timestamp` and the simulator's clock, in seconds. Default 300. */
  maxSkewSeconds?: number;
}

/** What the server sends back: the envelope's code, message and data, with the HTTP status. */
export interface SignedAnswer {
  status: number;
  code: number;
  message: string;
  data: unknown;
  outcome: SimulatorOutcome;
}

const tokenRequestSchema = z.object({ client_id: z.string(), client_secret: z.string() });
const refreshRequestSchema = z.object({ client_id: z.string(), refresh_token: z.string() });

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class SignedMode {
  readonly clientId: string;
  private readonly clientSecret: string;
  private readonly ttlSeconds: number;
  private readonly refreshAllowed: boolean;
  private readonly maxSkewSeconds: number;
  /** Live access tokens -> when they end (ms since the epoch). */
  private readonly accessTokens = new Map<string, number>();
  /** Refresh tokens not yet spent. */
  private readonly refreshTokens = new Set<string>();
  /** Every token ever issued, for tests that search for leaks. */
  private readonly issued: string[] = [];

  constructor(options: SignedModeOptions) {
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.ttlSeconds = options.tokenTtlSeconds ?? 7200;
    this.refreshAllowed = options.refresh ?? true;
    this.maxSkewSeconds = options.maxSkewSeconds ?? 300;
  }

  /** `POST /v1/token`. */
  token(body: unknown, nowMs: number): SignedAnswer {
    const request = tokenRequestSchema.safeParse(body);
    if (!request.success)
      return this.refusal(
        401,
        SIGNED_CODES.badCredentials,
        'client_id and client_secret are required',
        'tokenRefused',
      );
    const { client_id: clientId, client_secret: secret } = request.data;
    if (!sameText(clientId, this.clientId) || !sameText(secret, this.clientSecret)) {
      return this.refusal(
        401,
        SIGNED_CODES.badCredentials,
        `client_id "${clientId}" with client_secret "${secret}" is invalid`,
        'tokenRefused',
      );
    }
    return this.grant(nowMs, 'tokenIssued');
  }

  /** `POST /v1/refreshToken`: rotates both tokens. */
  refreshToken(body: unknown, nowMs: number): SignedAnswer {
    const request = refreshRequestSchema.safeParse(body);
    if (!request.success)
      return this.refusal(
        401,
        SIGNED_CODES.badRefreshToken,
        'client_id and refresh_token are required',
        'refreshRefused',
      );
    const { client_id: clientId, refresh_token: refresh } = request.data;
    if (
      !this.refreshAllowed ||
      !sameText(clientId, this.clientId) ||
      !this.refreshTokens.has(refresh)
    ) {
      return this.refusal(
        401,
        SIGNED_CODES.badRefreshToken,
        `refresh_token "${refresh}" is invalid or expired`,
        'refreshRefused',
      );
    }
    this.refreshTokens.delete(refresh);
    return this.grant(nowMs, 'tokenRefreshed');
  }

  /** Checks a data call's URL parameters and signature; undefined when it may be served. */
  checkDataCall(url: URL, body: Buffer, nowMs: number): SignedAnswer | undefined {
    const params = url.searchParams;
    const version = params.get('signature_version');
    const clientId = params.get('client_id');
    const accessToken = params.get('access_token');
    const timestamp = params.get('timestamp');
    const sign = params.get('sign');
    if (clientId === null || accessToken === null || timestamp === null || sign === null) {
      return this.refusal(
        401,
        SIGNED_CODES.badSignature,
        'client_id, access_token, timestamp and sign are required',
        'unauthorized',
      );
    }
    if (version !== SIGNATURE_VERSION) {
      return this.refusal(
        401,
        SIGNED_CODES.badSignature,
        `signature_version ${version ?? '(none)'} is not supported`,
        'badSignature',
      );
    }
    if (!sameText(clientId, this.clientId)) {
      return this.refusal(
        401,
        SIGNED_CODES.badSignature,
        `unknown client_id "${clientId}"`,
        'badSignature',
      );
    }
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      Math.abs(Number(timestamp) - nowMs / 1000) > this.maxSkewSeconds
    ) {
      return this.refusal(
        401,
        SIGNED_CODES.badSignature,
        `timestamp ${timestamp} is not within ${this.maxSkewSeconds} s of the server's clock`,
        'badSignature',
      );
    }
    if (!sameText(sign, signatureV2(this.clientSecret, url.pathname, body))) {
      return this.refusal(
        401,
        SIGNED_CODES.badSignature,
        'sign does not match the request',
        'badSignature',
      );
    }
    const endsAt = this.accessTokens.get(accessToken);
    if (endsAt === undefined || nowMs >= endsAt) {
      return this.refusal(
        401,
        SIGNED_CODES.tokenExpired,
        `access_token "${accessToken}" is invalid or expired`,
        'tokenExpired',
      );
    }
    return undefined;
  }

  /** Ends every access token now, as when the vendor expires them early; refresh tokens stay. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** Revokes every access and refresh token: only a new `/v1/token` call helps. */
  revokeAll(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** Every access and refresh token issued so far. */
  issuedTokens(): string[] {
    return [...this.issued];
  }

  private grant(nowMs: number, outcome: SimulatorOutcome): SignedAnswer {
    const accessToken = `sim-at-${randomBytes(12).toString('hex')}`;
    const refreshToken = `sim-rt-${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(accessToken, nowMs + this.ttlSeconds * 1000);
    this.refreshTokens.add(refreshToken);
    this.issued.push(accessToken, refreshToken);
    return {
      status: 200,
      code: 0,
      message: '',
      data: { access_token: accessToken, refresh_token: refreshToken, expires_in: this.ttlSeconds },
      outcome,
    };
  }

  private refusal(
    status: number,
    code: number,
    message: string,
    outcome: SimulatorOutcome,
  ): SignedAnswer {
    return { status, code, message, data: null, outcome };
  }
}
