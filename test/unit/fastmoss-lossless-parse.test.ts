import { describe, expect, it } from 'vitest';
import {
  compareDecimalText,
  parseLossless,
  toDecimalText,
  toIntegerText,
} from '../../src/fastmoss/lossless-parse.ts';

describe('parseLossless', () => {
  it('keeps a 19-digit id and decimal money as their exact digits', () => {
    const parsed = parseLossless(
      '{"uid": 7291972001835992106, "gmv": 958762.84, "n": [1, -2.50, 1E+3]}',
    );
    expect(parsed).toEqual({
      uid: '7291972001835992106',
      gmv: '958762.84',
      n: ['1', '-2.50', '1E+3'],
    });
    // What JSON.parse would have made of it:
    expect(String(JSON.parse('7291972001835992106'))).not.toBe('7291972001835992106');
  });

  it('leaves digits inside strings, escaped quotes and backslashes alone', () => {
    const text = String.raw`{"a":"x\"1\\","b":"\\\"2","c":"\u0000 3 \ud83d\ude00 CJK 直播","d":[true,false,null,-0]}`;
    expect(parseLossless(text)).toEqual({
      a: 'x"1\\',
      b: '\\"2',
      c: `\u0000 3 ${String.fromCodePoint(0x1f600)} CJK 直播`,
      d: [true, false, null, '-0'],
    });
  });

  it('reads the same structure as JSON.parse, numbers aside', () => {
    const samples = [
      '{"code":0,"data":{"list":[],"total":0},"message":"","request_id":"r-1"}',
      '[1,[2,[3,{"x":[4.5,{"y":"7"}]}]]]',
      '  {"k" : 12 , "s" : "a,b:[c]{d}" }  ',
      '"just a string"',
      '42',
    ];
    const numbersAsText = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'number' ? String(v) : v)));
    for (const text of samples) {
      expect(parseLossless(text)).toEqual(numbersAsText(JSON.parse(text)));
    }
  });

  it.each([
    '{"code":0,"data":{"list":[{"creator":',
    '{"a":01}',
    '{"a":1.}',
    '{"a":--1}',
    '{"a":+1}',
    '{"a":"unterminated}',
    '{"a":1 2}',
    "{'a':1}",
  ])('throws SyntaxError on malformed JSON: %s', (text) => {
    expect(() => parseLossless(text)).toThrow(SyntaxError);
  });
});

describe('toDecimalText', () => {
  it('returns plain decimals unchanged', () => {
    expect(toDecimalText('958762.84')).toBe('958762.84');
    expect(toDecimalText('1646.3')).toBe('1646.3');
    expect(toDecimalText('0')).toBe('0');
    expect(toDecimalText('-12.05')).toBe('-12.05');
  });

  it('expands exponents without touching the digits', () => {
    expect(toDecimalText('1.5e3')).toBe('1500');
    expect(toDecimalText('1.23456789012345678E+20')).toBe('123456789012345678000');
    expect(toDecimalText('5e-3')).toBe('0.005');
    expect(toDecimalText('-0.0')).toBe('0.0');
  });

  it('rejects what is not a number', () => {
    expect(toDecimalText('12a')).toBeUndefined();
    expect(toDecimalText('')).toBeUndefined();
    expect(toDecimalText('1,5')).toBeUndefined();
  });
});

describe('toIntegerText', () => {
  it('accepts whole numbers, also written with a zero fraction', () => {
    expect(toIntegerText('72')).toBe('72');
    expect(toIntegerText('72.0')).toBe('72');
    expect(toIntegerText('7.2e1')).toBe('72');
  });

  it('rejects fractions', () => {
    expect(toIntegerText('72.5')).toBeUndefined();
  });
});

describe('compareDecimalText', () => {
  it('orders exactly, beyond double precision', () => {
    expect(compareDecimalText('958762.84', '958762.9')).toBeLessThan(0);
    expect(compareDecimalText('100', '99.99')).toBeGreaterThan(0);
    expect(compareDecimalText('12.50', '12.5')).toBe(0);
    expect(compareDecimalText('-1', '0.5')).toBeLessThan(0);
    expect(compareDecimalText('-2', '-1.5')).toBeLessThan(0);
    expect(compareDecimalText('90071992547409930.01', '90071992547409930.02')).toBeLessThan(0);
  });
});
