/*
 * Where signed mode keeps its access token so that every process on one database uses the same
 * one (FastMoss may revoke the others' when a client obtains a new token). Declared here,
 * implemented in db/access-token-store.ts; fastmoss/ never imports db/.
 */

/** One token as kept between processes: sealed (see token-seal.ts), never readable as stored. */
export interface StoredAccessToken {
  sealed: string;
  /** When FastMoss said it ends; kept in the clear so an operator can see it. */
  expiresAt: Date;
}

/** Which account and host a token belongs to. */
export interface AccessTokenKey {
  /** The base URL: production and development hosts issue different tokens. */
  api: string;
  clientId: string;
}

export interface AccessTokenStore {
  /**
   * Runs `renew` while holding a lock every process sharing the store waits on, with the token
   * stored for `key` (undefined: none yet), and stores what it returns. Returning `stored`
   * itself keeps it. A throw stores nothing and is passed on.
   */
  withLock(
    key: AccessTokenKey,
    renew: (stored: StoredAccessToken | undefined) => Promise<StoredAccessToken>,
  ): Promise<StoredAccessToken>;
}

/** A store for one process (tests, a client without a database): a promise chain as the lock. */
export function memoryAccessTokenStore(): AccessTokenStore {
  const tokens = new Map<string, StoredAccessToken>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    withLock(key, renew) {
      const name = `${key.api}\n${key.clientId}`;
      const turn = queue.then(async () => {
        const next = await renew(tokens.get(name));
        tokens.set(name, next);
        return next;
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
