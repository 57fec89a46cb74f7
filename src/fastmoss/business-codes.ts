/*
 * FastMoss's business codes, as its developer guide ("Things to Note") tables them, and what the
 * pipeline does on each. The envelope's `code` is read only after the HTTP status (see
 * classify.ts); a code not listed here falls back to the older heuristics over the message.
 */

/** What a documented code makes of the request, the ranking and the run. */
export type CodeHandling =
  /** The request as sent is wrong: the ranking fails at once. */
  | 'invalid-request'
  /** FastMoss has no data (yet) for this key and period: a later run tries again. */
  | 'not-available'
  /** The account may not read this ranking: it fails; refusals in a row stop the run. */
  | 'no-access'
  /** The plan's row quota is used up: the run stops at once. */
  | 'data-limit'
  /** Too many calls too fast: every process backs off; if it persists, the run stops. */
  | 'frequency-limit'
  /** A fault on FastMoss's side: retried like an HTTP 5xx. */
  | 'service-error';

/** When a code stops the whole run, not only its ranking. */
export type RunStop = 'never' | 'at once' | 'after refusals in a row' | 'when attempts run out';

export interface BusinessCode {
  code: number;
  /** The guide's column "kind". */
  kind: 'parameter' | 'data' | 'permission' | 'service';
  /** The guide's wording. */
  meaning: string;
  handling: CodeHandling;
  /** Tried again within this run (up to ETL_MAX_ATTEMPTS). */
  retried: boolean;
  stopsRun: RunStop;
}

function documented(
  code: number,
  kind: BusinessCode['kind'],
  meaning: string,
  handling: CodeHandling,
  retried: boolean,
  stopsRun: RunStop,
): BusinessCode {
  return { code, kind, meaning, handling, retried, stopsRun };
}

// biome-ignore format: a table, one code a line, as the guide prints it
export const BUSINESS_CODES: readonly BusinessCode[] = [
  //        code   kind          meaning                                        handling           retried  stops the run
  documented(10001, 'parameter',  'a parameter does not meet the requirements', 'invalid-request', false,   'never'),
  documented(20001, 'data',       'resource not found',                         'not-available',   false,   'never'),
  documented(30001, 'permission', 'no access permission',                       'no-access',       false,   'after refusals in a row'),
  documented(30002, 'permission', 'data limit exceeded',                        'data-limit',      false,   'at once'),
  documented(30003, 'permission', 'access frequency limit exceeded',            'frequency-limit', true,    'when attempts run out'),
  documented(40001, 'service',    'service exception',                          'service-error',   true,    'never'),
];

/** Refusals (30001) in a row, across rankings, after which the run stops. */
export const NO_ACCESS_REFUSALS_TO_STOP = 3;

const BY_CODE = new Map(BUSINESS_CODES.map((entry) => [entry.code, entry]));

/** The guide's entry for `code`, or undefined for a code it does not list. */
export function documentedCode(code: number): BusinessCode | undefined {
  return BY_CODE.get(code);
}
