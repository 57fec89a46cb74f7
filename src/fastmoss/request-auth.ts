import { ConfigError } from '../domain/errors.ts';

/*
 * How a request proves who sends it. Both of FastMoss's modes sit behind RequestAuth: bearer
 * (`Authorization: Bearer <token>`) and signed (signature version 2, see signed-auth.ts). The
 * client asks it, per attempt, for what to send; nothing else in the client knows the mode.
 */

/** What one attempt sends besides the method and the base URL. */
export interface AuthorizedRequest {
  /** The body's bytes, exactly as sent (and, in signed mode, as signed). */
  body: Buffer;
  headers: Record<string, string>;
  /** URL query parameters; empty in bearer mode. */
  query: URLSearchParams;
  /** Which credentials were presented, so a refusal renews them only if nothing has since. */
  generation: number;
}

export interface RequestAuth {
  readonly mode: 'bearer' | 'signed';
  /**
   * What an attempt at `path` (the API path, e.g. `/live/v1/rank/topCreator`) with `body`
   * sends. May obtain or renew a token first; throws AuthError when FastMoss refuses the
   * credentials themselves.
   */
  authorize(path: string, body: string): Promise<AuthorizedRequest>;
  /**
   * FastMoss refused the credentials `request` presented (an expired or revoked token).
   * Resolves true when newer credentials are ready, so one more try may succeed; false when
   * there is nothing to renew (bearer). Throws AuthError when a renewal is refused.
   */
  renewAfterRefusal(request: AuthorizedRequest): Promise<boolean>;
  /** Every secret value known now (token, client secret, access and refresh tokens seen). */
  secrets(): readonly string[];
}

/** Rejects a credential that is empty or that a header or URL would mangle. */
export function checkCredential(name: string, value: string): void {
  if (value === '' || /[\s\p{Cc}]/u.test(value)) {
    throw new ConfigError(`${name} is empty or contains whitespace or control characters`);
  }
}

/** Bearer mode: the token in the Authorization header, nothing in the URL, nothing to renew. */
export function bearerAuth(token: string): RequestAuth {
  checkCredential('FASTMOSS_TOKEN', token);
  const headers = { authorization: `Bearer ${token}` };
  return {
    mode: 'bearer',
    authorize: async (_path, body) => ({
      body: Buffer.from(body, 'utf8'),
      headers,
      query: new URLSearchParams(),
      generation: 0,
    }),
    renewAfterRefusal: async () => false,
    secrets: () => [token],
  };
}

/** `text` with every one of `secrets` replaced by `[redacted]`, longest first. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted;
}
