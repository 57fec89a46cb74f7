import { parse as losslessJsonParse } from 'lossless-json';
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
      n: [1, '-2.50', '1E+3'],
    });
    // What JSON.parse would have made of it:
    expect(String(JSON.parse('7291972001835992106'))).not.toBe('7291972001835992106');
  });

  it('leaves integers of up to 15 digits bare, and quotes 16 digits, -0 and leading zeros', () => {
    expect(parseLossless('[999999999999999, -999999999999999, 0, 7, 1000000000000000]')).toEqual([
      999_999_999_999_999,
      -999_999_999_999_999,
      0,
      7,
      '1000000000000000',
    ]);
    expect(parseLossless('[-0, 0.0, 1e2, 9007199254740993]')).toEqual([
      '-0',
      '0.0',
      '1e2',
      '9007199254740993',
    ]);
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
      expect(numbersAsText(parseLossless(text))).toEqual(numbersAsText(JSON.parse(text)));
    }
  });

  it.each([
    '{"code":0,"data":{"list":[{"creator":',
    '{"a":01}',
    '{"a":-01}',
    '{"a":00}',
    '{"a":1.}',
    '{"a":--1}',
    '{"a":-}',
    '{"a":+1}',
    '{"a":"unterminated}',
    '{"a":1 2}',
    '{"a":12"b"}',
    '[1e]',
    "{'a':1}",
  ])('throws SyntaxError on malformed JSON: %s', (text) => {
    expect(() => parseLossless(text)).toThrow(SyntaxError);
  });
});

/*
 * Property tests against lossless-json (a separate, character-by-character JSON parser) as the
 * oracle, over generated documents full of what can trip a scanner: digits, minus signs and
 * colons inside strings, escaped quotes and backslashes before a closing quote, \u escapes,
 * emoji and CJK, exponents, negative numbers, 19-digit ids, numbers of any size, odd spacing.
 */

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const STRING_PIECES = [
  'a',
  'Z',
  ' ',
  '7',
  '-1',
  '12.5e3',
  '7291972001835992106',
  ':',
  ',',
  '{',
  '}',
  '[',
  ']',
  '\\"',
  '\\\\',
  '\\\\\\"',
  '\\n',
  '\\t',
  '\\/',
  '\\u0022',
  '\\u005c',
  '\\u0000',
  '\\ud83d\\ude00',
  '😀',
  '直播',
  'é',
  '"',
];

/** A number token of JSON's grammar, biased to the shapes FastMoss sends and the edges. */
function numberToken(random: () => number): string {
  const digits = (count: number, first = '0123456789') => {
    let text = first[Math.floor(random() * first.length)] ?? '1';
    for (let i = 1; i < count; i++) text += String(Math.floor(random() * 10));
    return text;
  };
  const shape = random();
  if (shape < 0.1) return random() < 0.5 ? '0' : '-0';
  if (shape < 0.25) return digits(19, '123456789');
  if (shape < 0.35) return digits(random() < 0.5 ? 15 : 16, '123456789');
  const sign = random() < 0.3 ? '-' : '';
  const whole = random() < 0.15 ? '0' : digits(1 + Math.floor(random() * 25), '123456789');
  const fraction = random() < 0.5 ? `.${digits(1 + Math.floor(random() * 20))}` : '';
  const exponent =
    random() < 0.2
      ? `${random() < 0.5 ? 'e' : 'E'}${['', '+', '-'][Math.floor(random() * 3)]}${digits(1 + Math.floor(random() * 3))}`
      : '';
  return sign + whole + fraction + exponent;
}

function stringToken(random: () => number): string {
  let text = '"';
  const pieces = Math.floor(random() * 6);
  for (let i = 0; i < pieces; i++) {
    const piece = STRING_PIECES[Math.floor(random() * STRING_PIECES.length)] ?? 'a';
    text += piece === '"' ? '\\"' : piece;
  }
  // A string that ends in escaped backslashes is where an end-of-string scan goes wrong.
  if (random() < 0.2) text += random() < 0.5 ? '\\\\' : '\\\\\\\\';
  return `${text}"`;
}

function space(random: () => number): string {
  return random() < 0.8 ? '' : ([' ', '\n', '\t', '\r\n  '][Math.floor(random() * 4)] ?? ' ');
}

function jsonText(random: () => number, depth = 0): string {
  const kind = random();
  if (depth < 4 && kind < 0.2) {
    const items = Array.from({ length: Math.floor(random() * 5) }, () =>
      jsonText(random, depth + 1),
    );
    return `[${space(random)}${items.join(`${space(random)},${space(random)}`)}${space(random)}]`;
  }
  if (depth < 4 && kind < 0.4) {
    const members = Array.from(
      { length: Math.floor(random() * 5) },
      (_, index) =>
        `${stringToken(random).replace(/"$/, `${index}"`)}${space(random)}:${space(random)}${jsonText(random, depth + 1)}`,
    );
    return `{${space(random)}${members.join(`,${space(random)}`)}${space(random)}}`;
  }
  if (kind < 0.7) return numberToken(random);
  if (kind < 0.9) return stringToken(random);
  return ['true', 'false', 'null'][Math.floor(random() * 3)] ?? 'null';
}

/** lossless-json's reading of `text`, every number as `{ token }`: its exact text. */
function oracle(text: string): unknown {
  return losslessJsonParse(text, undefined, (token) => ({ token }));
}

const BARE = /^(?:-?[1-9]\d{0,14}|0)$/;

/** Throws unless `ours` is the oracle's tree: numbers bare exactly when safe, else exact text. */
function expectSameAsOracle(ours: unknown, expected: unknown, path = '$'): void {
  if (expected !== null && typeof expected === 'object' && 'token' in expected) {
    const { token } = expected as { token: string };
    if (BARE.test(token)) {
      expect(ours, `${path}: ${token}`).toBeTypeOf('number');
      expect(String(ours), path).toBe(token);
    } else {
      expect(ours, path).toBe(token);
    }
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(ours), path).toBe(true);
    const items = ours as unknown[];
    expect(items.length, path).toBe(expected.length);
    expected.forEach((item, index) => {
      expectSameAsOracle(items[index], item, `${path}[${index}]`);
    });
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    const record = ours as Record<string, unknown>;
    expect(Object.keys(record), path).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) {
      expectSameAsOracle(record[key], value, `${path}.${key}`);
    }
    return;
  }
  expect(ours, path).toBe(expected);
}

describe('parseLossless against lossless-json', () => {
  it('reads 3,000 generated documents exactly as lossless-json does', () => {
    const random = seeded(14);
    for (let run = 0; run < 3000; run++) {
      const text = `${space(random)}${jsonText(random)}${space(random)}`;
      expectSameAsOracle(parseLossless(text), oracle(text));
    }
  });

  it('keeps every id and amount of generated ranking pages exact', () => {
    const random = seeded(7);
    for (let run = 0; run < 200; run++) {
      const rows = Array.from({ length: 20 }, () => {
        const uid = numberToken(random);
        return `{"creator":{"uid":${uid},"nickname":${stringToken(random)},"follower_count":${numberToken(random)}},"live_gmv":${numberToken(random)},"top_live":[{"room_id":"${uid}","gmv":${numberToken(random)},"title":${stringToken(random)}}]}`;
      });
      const text = `{"code":0,"data":{"list":[${rows.join(',')}],"total":${numberToken(random)}}}`;
      expectSameAsOracle(parseLossless(text), oracle(text));
    }
  });

  it('accepts a mangled document exactly when JSON.parse does, and then reads it exactly', () => {
    const random = seeded(99);
    const inserts = ['"', '\\', '-', '.', 'e', '0', '1', ' ', ',', ':', '{', '}', '[', ']', '+'];
    let accepted = 0;
    for (let run = 0; run < 5000; run++) {
      const valid = jsonText(random);
      const at = Math.floor(random() * (valid.length + 1));
      const insert = inserts[Math.floor(random() * inserts.length)] ?? '"';
      const text =
        random() < 0.5
          ? valid.slice(0, at) + valid.slice(at + 1)
          : valid.slice(0, at) + insert + valid.slice(at);
      let nativeOk = true;
      try {
        JSON.parse(text);
      } catch {
        nativeOk = false;
      }
      if (!nativeOk) {
        expect(() => parseLossless(text), text).toThrow(SyntaxError);
        continue;
      }
      accepted++;
      expectSameAsOracle(parseLossless(text), oracle(text));
    }
    // Both branches were exercised.
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(4500);
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

describe('compareDecimalText over generated amounts', () => {
  /** The oracle: both scaled to one fraction width, compared as BigInts. */
  function exactSign(a: string, b: string): number {
    const [wholeA = '', fractionA = ''] = a.split('.');
    const [wholeB = '', fractionB = ''] = b.split('.');
    const width = Math.max(fractionA.length, fractionB.length);
    const scaledA = BigInt(wholeA + fractionA.padEnd(width, '0'));
    const scaledB = BigInt(wholeB + fractionB.padEnd(width, '0'));
    return scaledA === scaledB ? 0 : scaledA < scaledB ? -1 : 1;
  }

  it('orders 20,000 pairs as exact arithmetic does, signs, zeros and long digits included', () => {
    const random = seeded(3);
    const amount = () => toDecimalText(numberToken(random)) ?? '0';
    for (let run = 0; run < 20_000; run++) {
      const a = amount();
      // Near neighbours too: the same digits with a zero more, or one digit changed.
      const b = random() < 0.3 ? (a.includes('.') ? `${a}0` : `${a}.0`) : amount();
      expect(Math.sign(compareDecimalText(a, b)) || 0, `${a} vs ${b}`).toBe(exactSign(a, b));
      expect(Math.sign(compareDecimalText(b, a)) || 0, `${b} vs ${a}`).toBe(exactSign(b, a));
    }
  });
});
