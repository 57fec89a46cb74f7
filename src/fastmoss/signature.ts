import { createHash } from 'node:crypto';

/** The `signature_version` URL parameter of signed calls. */
export const SIGNATURE_VERSION = '2';

/**
 * FastMoss's signature, version 2: lowercase hex SHA-256 of
 * `<client_secret>|<path>|<body>|<client_secret>`, where `path` is the URL path alone (no host,
 * no query) and `body` the exact bytes sent. Taking the bytes, not a string, means a body with
 * non-ASCII text is signed as it travels. The timestamp is not part of it.
 */
export function signatureV2(clientSecret: string, path: string, body: Uint8Array): string {
  return createHash('sha256')
    .update(`${clientSecret}|${path}|`, 'utf8')
    .update(body)
    .update(`|${clientSecret}`, 'utf8')
    .digest('hex');
}
