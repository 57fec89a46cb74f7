import { describe, expect, it } from 'vitest';
import {
  compareDecimalText,
  JsonNumber,
  parseLossless,
  toDecimalText,
  toIntegerText,
} from '../../src/fastmoss/lossless-parse.ts';

describe('parseLossless', () => {
  it('keeps a 19-digit id and decimal money as their exact text', () => {
    const parsed = parseLossless('{"uid": 7291972001835992106, "gmv": 958762.84, "n": [1, -2.50]}');
    expect(parsed).toEqual({
      uid: new JsonNumber('7291972001835992106'),
      gmv: new JsonNumber('958762.84'),
      n: [new JsonNumber('1'), new JsonNumber('-2.50')],
    });
    // What JSON.parse would have made of it:
    expect(String(JSON.parse('7291972001835992106'))).not.toBe('7291972001835992106');
  });

  it('throws SyntaxError on a cut-off body', () => {
    expect(() => parseLossless('{"code":0,"data":{"list":[{"creator":')).toThrow(SyntaxError);
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
