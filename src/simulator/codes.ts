/**
 * The envelope codes and messages this simulator answers with. FastMoss documents none, so these
 * are the simulator's own; the client classifies by HTTP status and message words, not by them.
 */
export const SIM_CODES = {
  ok: 0,
  notFound: 40400,
  invalidParameter: 40001,
  unauthorized: 40101,
  quotaExhausted: 40302,
  rateLimited: 42901,
  internalError: 50001,
  systemBusy: 50301,
} as const;

export const SIM_MESSAGES = {
  notFound: 'Not Found',
  quotaExhausted: 'Insufficient balance: your API quota is exhausted',
  rateLimited: 'Too many requests, rate limit exceeded',
  internalError: 'Internal server error',
  systemBusy: 'System busy, please try again later',
  missingToken: 'Unauthorized: missing Bearer token',
} as const;

/** Echoes the presented token, as some real APIs do, so that client redaction gets exercised. */
export function unauthorizedMessage(presentedToken: string): string {
  return `Unauthorized: token "${presentedToken}" is invalid or expired`;
}
