import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureV2 } from '../../src/fastmoss/signature.ts';

describe('signatureV2', () => {
  it("matches the developer guide's test vector", () => {
    expect(signatureV2('secret', '/test', Buffer.from('{"hello":"world"}'))).toBe(
      '93a9af81cbe8adcad6834a76b3f0d3de5165a7b00a69608c4d84b5b2ccba8475',
    );
  });

  it('signs the UTF-8 bytes of a body with non-ASCII text, as they are sent', () => {
    const body = '{"title":"Spring Glow Up 春季"}';
    const expected = createHash('sha256')
      .update(`s3|/live/v1/rank/topCreator|${body}|s3`, 'utf8')
      .digest('hex');
    expect(signatureV2('s3', '/live/v1/rank/topCreator', Buffer.from(body, 'utf8'))).toBe(expected);
  });

  it('changes with any byte of the body, the path or the secret', () => {
    const body = Buffer.from('{"page":1}');
    const base = signatureV2('secret', '/a', body);
    expect(signatureV2('secret', '/a', Buffer.from('{"page":2}'))).not.toBe(base);
    expect(signatureV2('secret', '/b', body)).not.toBe(base);
    expect(signatureV2('secreT', '/a', body)).not.toBe(base);
  });
});
