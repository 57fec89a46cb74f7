import { describe, expect, it } from 'vitest';
import { classifyResponse, classifyTransportError } from '../../src/fastmoss/classify.ts';
import {
  AuthError,
  InvalidRequestError,
  InvalidResponseError,
  QuotaError,
  TransientError,
} from '../../src/fastmoss/errors.ts';

const TOKEN = 'tok-SECRET-123';
const context = {
  where: 'US/pc=all/cc=all/day:2026-04-01/units_sold page 1',
  page: 1,
  redact: (text: string) => text.split(TOKEN).join('[redacted]'),
};

function envelope(code: number, message: string, data: string = 'null'): string {
  return `{"code":${code},"data":${data},"message":${JSON.stringify(message)},"request_id":"r-1"}`;
}

function classify(status: number, bodyText: string, contentType = 'application/json') {
  const verdict = classifyResponse(
    { status, contentType, retryAfterMs: undefined, bodyText },
    context,
  );
  if (verdict.ok) throw new Error('expected an error verdict');
  return verdict.error;
}

describe('classifyResponse', () => {
  it('passes the data of a code-0 envelope through', () => {
    const verdict = classifyResponse(
      {
        status: 200,
        contentType: 'application/json',
        retryAfterMs: undefined,
        bodyText: envelope(0, '', '{"total":0}'),
      },
      context,
    );
    expect(verdict).toMatchObject({ ok: true, requestId: 'r-1' });
  });

  it('refuses the token on 401/403 and redacts a token the server echoes', () => {
    const error = classify(401, envelope(40101, `Unauthorized: token "${TOKEN}" is invalid`));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
    expect(error).toMatchObject({ status: 401, apiCode: 40101, requestId: 'r-1', page: 1 });
    expect(classify(403, 'Forbidden', 'text/plain')).toBeInstanceOf(AuthError);
  });

  it('tells a used-up quota from a refused token', () => {
    expect(classify(403, envelope(1, 'Quota exhausted for this month'))).toBeInstanceOf(QuotaError);
    expect(classify(200, envelope(40302, 'Insufficient balance'))).toBeInstanceOf(QuotaError);
  });

  it('retries 429, 5xx, HTML pages and cut-off bodies', () => {
    expect(classify(429, envelope(42901, 'Too many requests'))).toMatchObject({
      reason: 'rate-limited',
    });
    expect(classify(503, '')).toMatchObject({ reason: 'server-error' });
    expect(classify(502, '<html><title>502 Bad Gateway</title></html>', 'text/html')).toMatchObject(
      {
        reason: 'html-page',
      },
    );
    const html200 = classify(200, '<!DOCTYPE html><html>oops</html>', 'text/html');
    expect(html200).toBeInstanceOf(TransientError);
    expect(classify(200, '{"code":0,"data":{"list":[{"creator"')).toMatchObject({
      reason: 'unparseable-body',
    });
  });

  it('reads envelopes with a code the guide does not list by their words, then by their code', () => {
    expect(classify(200, envelope(50301, 'System busy, please try again later'))).toMatchObject({
      reason: 'busy',
    });
    expect(
      classify(200, envelope(40002, 'Invalid parameter: pagesize must be in [1, 100]')),
    ).toBeInstanceOf(InvalidRequestError);
    expect(classify(200, envelope(40100, '???'))).toBeInstanceOf(AuthError);
    expect(classify(200, envelope(42900, '???'))).toMatchObject({ reason: 'rate-limited' });
    expect(classify(200, envelope(40000, '???'))).toBeInstanceOf(InvalidRequestError);
    expect(classify(200, envelope(-1, '???'))).toMatchObject({ reason: 'busy' });
  });

  it('does not retry a refused request or a body that is JSON but no envelope', () => {
    expect(classify(400, envelope(400, 'bad'))).toBeInstanceOf(InvalidRequestError);
    expect(classify(404, 'not found', 'text/plain')).toBeInstanceOf(InvalidRequestError);
    expect(classify(200, '{"error":"x"}')).toBeInstanceOf(InvalidResponseError);
    expect(classify(200, envelope(0, ''))).toBeInstanceOf(InvalidResponseError);
  });
});

describe('classifyTransportError', () => {
  it('calls a timeout a timeout and anything else a connection failure', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const timedOut = classifyTransportError(timeout, context, 30_000);
    expect(timedOut.reason).toBe('timeout');
    expect(timedOut.message).toContain(
      'did not answer US/pc=all/cc=all/day:2026-04-01/units_sold page 1 within 30000 ms',
    );
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const error = classifyTransportError(reset, context, 30_000);
    expect(error.reason).toBe('connection');
    expect(error.message).toContain('UND_ERR_SOCKET');
    expect(error.cause).toBe(reset);
  });
});
