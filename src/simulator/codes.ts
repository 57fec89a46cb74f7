/**
 * The envelope codes and messages this simulator answers with. The business codes are those of
 * FastMoss's guide (see src/fastmoss/business-codes.ts); HTTP-level answers (401, 404, 429, 5xx)
 * carry codes of the simulator's own, which the guide does not list.
 */
export const SIM_CODES = {
  ok: 0,
  invalidParameter: 10001,
  resourceNotFound: 20001,
  noAccess: 30001,
  dataLimit: 30002,
  frequencyLimit: 30003,
  serviceException: 40001,
  // The simulator's own, for answers the guide's table does not cover.
  notFound: 40400,
  unauthorized: 40101,
  rateLimited: 42901,
  internalError: 50001,
} as const;

/** The guide's documented codes, each a fault the simulator can answer with. */
export const DOCUMENTED_CODES = [10001, 20001, 30001, 30002, 30003, 40001] as const;
export type DocumentedCode = (typeof DOCUMENTED_CODES)[number];

/** What the simulator says with each documented code, in the guide's words. */
export const DOCUMENTED_MESSAGES: Record<DocumentedCode, string> = {
  10001: 'Parameter error: a parameter does not meet the requirements',
  20001: 'Resource not found',
  30001: 'No access permission',
  30002: 'Data limit exceeded',
  30003: 'Access frequency limit exceeded',
  40001: 'Service exception',
};

export const SIM_MESSAGES = {
  notFound: 'Not Found',
  rateLimited: 'Too many requests, rate limit exceeded',
  internalError: 'Internal server error',
  missingToken: 'Unauthorized: missing Bearer token',
} as const;

/** Echoes the presented token, as some real APIs do, so that client redaction gets exercised. */
export function unauthorizedMessage(presentedToken: string): string {
  return `Unauthorized: token "${presentedToken}" is invalid or expired`;
}
