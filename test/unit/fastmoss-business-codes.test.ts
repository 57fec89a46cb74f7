import { describe, expect, it } from 'vitest';
import { BUSINESS_CODES, documentedCode } from '../../src/fastmoss/business-codes.ts';
import { classifyResponse } from '../../src/fastmoss/classify.ts';
import {
  AuthError,
  InvalidRequestError,
  isFatalToRun,
  NoAccessError,
  NotAvailableError,
  QuotaError,
  TransientError,
} from '../../src/fastmoss/errors.ts';

const TOKEN = 'tok-SECRET-123';
const LABEL = 'US/pc=all/cc=all/day:2026-04-01/units_sold';
const context = {
  where: `${LABEL} page 1`,
  label: LABEL,
  page: 1,
  redact: (text: string) => text.split(TOKEN).join('[redacted]'),
};

function envelope(code: number, text: string, field: 'msg' | 'message' = 'msg'): string {
  return JSON.stringify({ code, [field]: text, data: null, request_id: 'r-9', timestamp: 1 });
}

function classify(status: number, bodyText: string) {
  const verdict = classifyResponse(
    { status, contentType: 'application/json', retryAfterMs: undefined, bodyText },
    context,
  );
  if (verdict.ok) throw new Error('expected an error verdict');
  return verdict.error;
}

describe('the business codes table', () => {
  it("lists the guide's six codes with its kinds and meanings", () => {
    expect(BUSINESS_CODES.map(({ code, kind, meaning }) => [code, kind, meaning])).toEqual([
      [10001, 'parameter', 'a parameter does not meet the requirements'],
      [20001, 'data', 'resource not found'],
      [30001, 'permission', 'no access permission'],
      [30002, 'permission', 'data limit exceeded'],
      [30003, 'permission', 'access frequency limit exceeded'],
      [40001, 'service', 'service exception'],
    ]);
  });

  it('says which codes are retried and which stop the run', () => {
    const rules = Object.fromEntries(
      BUSINESS_CODES.map((entry) => [entry.code, [entry.handling, entry.retried, entry.stopsRun]]),
    );
    expect(rules).toEqual({
      10001: ['invalid-request', false, 'never'],
      20001: ['not-available', false, 'never'],
      30001: ['no-access', false, 'after refusals in a row'],
      30002: ['data-limit', false, 'at once'],
      30003: ['frequency-limit', true, 'when attempts run out'],
      40001: ['service-error', true, 'never'],
    });
  });

  it('knows nothing of codes the guide does not list', () => {
    expect(documentedCode(0)).toBeUndefined();
    expect(documentedCode(40101)).toBeUndefined();
    expect(documentedCode(30001)?.meaning).toBe('no access permission');
  });
});

describe('classifyResponse on documented codes', () => {
  it('10001 fails the request at once, quoting the message', () => {
    const error = classify(200, envelope(10001, 'pagesize must be between 1 and 100'));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain('code 10001 (a parameter does not meet the requirements)');
    expect(error.message).toContain('pagesize must be between 1 and 100');
    expect(error).toMatchObject({ apiCode: 10001, requestId: 'r-9', page: 1 });
  });

  it('20001 says the ranking is not available yet, not a failure of the run', () => {
    const error = classify(200, envelope(20001, 'resource not found'));
    expect(error).toBeInstanceOf(NotAvailableError);
    expect(error.message).toContain('no data for this ranking yet');
    expect(isFatalToRun(error)).toBe(false);
  });

  it('30001 names the ranking the account has no access to, and does not stop the run by itself', () => {
    const error = classify(200, envelope(30001, 'no access permission'));
    expect(error).toBeInstanceOf(NoAccessError);
    expect(error.message).toMatch(new RegExp(`^this FastMoss account has no access to ${LABEL} `));
    expect(isFatalToRun(error)).toBe(false);
  });

  it('30002 is a quota: the run stops, and the reason names the limit', () => {
    const error = classify(200, envelope(30002, 'data limit exceeded'));
    expect(error).toBeInstanceOf(QuotaError);
    expect(error.message).toContain("plan's data limit (its quota of rows) is used up");
    expect(isFatalToRun(error)).toBe(true);
  });

  it('30003 and 40001 are retried, 30003 as a frequency limit', () => {
    expect(classify(200, envelope(30003, 'too frequent'))).toMatchObject({
      reason: 'frequency-limited',
    });
    const service = classify(200, envelope(40001, 'service exception'));
    expect(service).toBeInstanceOf(TransientError);
    expect(service).toMatchObject({ reason: 'service-exception' });
  });

  it('reads the message from msg or message, whichever is present, and redacts the token', () => {
    const fromMsg = classify(200, envelope(10001, `bad token ${TOKEN}`, 'msg'));
    const fromMessage = classify(200, envelope(10001, `bad token ${TOKEN}`, 'message'));
    for (const error of [fromMsg, fromMessage]) {
      expect(error.message).toContain('bad token [redacted]');
      expect(error.message).not.toContain(TOKEN);
    }
  });

  it('looks at the HTTP status first, then at the code', () => {
    expect(classify(401, envelope(30001, 'no access permission'))).toBeInstanceOf(AuthError);
    expect(classify(503, envelope(10001, 'parameter error'))).toMatchObject({
      reason: 'server-error',
    });
    expect(classify(403, envelope(30001, 'no access permission'))).toBeInstanceOf(NoAccessError);
    expect(classify(403, envelope(30002, 'data limit exceeded'))).toBeInstanceOf(QuotaError);
  });

  it('no longer guesses from words where the code is documented', () => {
    // "parameter" in the message would have read as a refused request; 40001 is retried.
    expect(classify(200, envelope(40001, 'service exception: bad parameter'))).toBeInstanceOf(
      TransientError,
    );
    // "permission" would have read as a refused token, stopping the run.
    expect(classify(200, envelope(30001, 'no access permission'))).not.toBeInstanceOf(AuthError);
  });
});
