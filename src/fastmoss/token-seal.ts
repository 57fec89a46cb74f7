import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/*
 * The access and refresh tokens are sealed (AES-256-GCM, a key derived from the client secret)
 * before they reach the shared store, so a database dump, a backup or a role that can read the
 * table learns nothing usable: only a holder of the secret, who could obtain tokens anyway, can
 * open them. A seal made with another secret (after a rotation) does not open: a new token is
 * obtained instead.
 */

export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  /** When FastMoss said the access token ends, ms since the epoch. */
  expiresAtMs: number;
  /** When to renew it, a little before it ends. */
  renewAtMs: number;
}

const VERSION = 'v1';

const grantSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAtMs: z.number(),
  renewAtMs: z.number(),
});

function keyFor(clientSecret: string, clientId: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', clientSecret, clientId, 'fastmoss-etl access token seal', 32),
  );
}

export function sealGrant(grant: TokenGrant, clientSecret: string, clientId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(clientSecret, clientId), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(grant), 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), sealed]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** The grant inside `sealed`, or undefined when it was sealed with another secret or is damaged. */
export function openGrant(
  sealed: string,
  clientSecret: string,
  clientId: string,
): TokenGrant | undefined {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !data) return undefined;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyFor(clientSecret, clientId),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
    const parsed = grantSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
