/*
 * FastMoss sends 19-digit creator ids as bare JSON numbers (beyond 2^53, so `JSON.parse` would
 * round them) and money as decimals, so no number from the wire may pass through a double.
 *
 * parseLossless copies the text once, putting quotes around every number that a double cannot
 * hold exactly as written, and hands the result to the built-in JSON.parse: such a number arrives
 * as a string of exactly the digits sent. An integer of at most 15 digits (no fraction, no
 * exponent, not `-0`) is left bare and arrives as a JS number, exact by construction:
 * `String(n)` gives back exactly the digits sent. The field readers accept either form, as the
 * API may send numbers as numeric strings too. Leaving the counts bare saves a string per count
 * and the count's re-parse from text: about half of a page's parse and validation CPU (1.2 ->
 * 0.6 ms, BENCHMARKS.md). It replaced a version that quoted every number, which had replaced
 * lossless-json (2.3x as long per page).
 */

const VALID_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
/** Digits of the largest integer left bare: every 15-digit integer is exact as a double. */
const MAX_BARE_DIGITS = 15;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Characters that continue a number token beyond its digits: `-`, `+`, `.`, `e`, `E`. */
function isNumberMark(code: number): boolean {
  return code === MINUS || code === 0x2b || code === 0x2e || code === 0x45 || code === 0x65;
}

/** Index just past the string that opens at `start` (a `"`). */
function endOfString(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new SyntaxError('Unterminated string in JSON');
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * Parses JSON keeping every number exact: integers of up to 15 digits as numbers (`String(n)` is
 * the token sent), every other number as a string of its exact digits. Throws SyntaxError on
 * malformed JSON, as JSON.parse does.
 */
export function parseLossless(text: string): unknown {
  let quoted = '';
  let copiedUpTo = 0;
  let at = 0;
  const length = text.length;
  while (at < length) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      at = endOfString(text, at);
      continue;
    }
    if (code !== MINUS && !isDigit(code)) {
      at++;
      continue;
    }
    const digitsFrom = code === MINUS ? at + 1 : at;
    let end = digitsFrom;
    while (end < length && isDigit(text.charCodeAt(end))) end++;
    const digits = end - digitsFrom;
    const plainEnd = end;
    while (end < length && (isNumberMark(text.charCodeAt(end)) || isDigit(text.charCodeAt(end)))) {
      end++;
    }
    const leadingZero = text.charCodeAt(digitsFrom) === ZERO;
    const bare =
      end === plainEnd &&
      digits >= 1 &&
      digits <= MAX_BARE_DIGITS &&
      (!leadingZero || (digits === 1 && code !== MINUS));
    if (bare) {
      at = end;
      continue;
    }
    const token = text.slice(at, end);
    if (!VALID_NUMBER.test(token)) {
      throw new SyntaxError(`Invalid number ${token} in JSON at position ${at}`);
    }
    quoted += `${text.slice(copiedUpTo, at)}"${token}"`;
    copiedUpTo = end;
    at = end;
  }
  return JSON.parse(copiedUpTo === 0 ? text : quoted + text.slice(copiedUpTo));
}

/** A plain decimal already in toDecimalText's form: no exponent, no leading zeros. */
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const NONZERO_DIGIT = /[1-9]/;

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Plain decimal text of a JSON number or numeric string (`1.5e3` -> `1500`, `0012.50` ->
 * `12.50`), digits untouched; undefined if it is not a number. Exponents are expanded so
 * Postgres `numeric` and string comparisons see one notation.
 */
export function toDecimalText(text: string): string | undefined {
  // Most amounts are sent this way already (and a negative zero is the one that is not).
  if (CANONICAL_DECIMAL.test(text) && (text.charCodeAt(0) !== MINUS || NONZERO_DIGIT.test(text))) {
    return text;
  }
  const match = NUMBER_TEXT.exec(text.trim());
  if (!match) return undefined;
  const sign = match[1] ?? '';
  let digits = (match[2] ?? '') + (match[3] ?? '');
  let pointAt = (match[2] ?? '').length + Number(match[4] ?? '0');
  if (pointAt <= 0) {
    digits = '0'.repeat(1 - pointAt) + digits;
    pointAt = 1;
  } else if (pointAt > digits.length) {
    digits = digits + '0'.repeat(pointAt - digits.length);
  }
  const whole = digits.slice(0, pointAt).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(pointAt);
  const body = fraction.length > 0 ? `${whole}.${fraction}` : whole;
  return sign === '-' && /[1-9]/.test(body) ? `-${body}` : body;
}

/** Integer digits of a JSON number or numeric string (`72`, `72.0`), or undefined if not whole. */
export function toIntegerText(text: string): string | undefined {
  const decimal = toDecimalText(text);
  if (decimal === undefined) return undefined;
  const [whole, fraction = ''] = decimal.split('.');
  if (/[1-9]/.test(fraction)) return undefined;
  return whole;
}

/**
 * Compares two plain decimal texts exactly (as produced by `toDecimalText`): negative, zero or
 * positive like `a - b`.
 */
export function compareDecimalText(a: string, b: string): number {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const magnitude = compareMagnitude(negA ? a.slice(1) : a, negB ? b.slice(1) : b);
  return negA ? -magnitude : magnitude;
}

/** Where the whole digits of a decimal text end: at its point, or at its end. */
function wholeEnd(text: string): number {
  const point = text.indexOf('.');
  return point < 0 ? text.length : point;
}

/** Index of the first whole digit that is not a leading zero (`end` when all are zeros). */
function significantStart(text: string, end: number): number {
  let at = 0;
  while (at < end && text.charCodeAt(at) === ZERO) at++;
  return at;
}

/** Compares two unsigned decimal texts digit by digit, with no string built (it runs per row). */
function compareMagnitude(a: string, b: string): number {
  const endA = wholeEnd(a);
  const endB = wholeEnd(b);
  const startA = significantStart(a, endA);
  const startB = significantStart(b, endB);
  const lengthA = endA - startA;
  const lengthB = endB - startB;
  if (lengthA !== lengthB) return lengthA - lengthB;
  for (let i = 0; i < lengthA; i++) {
    const digitA = a.charCodeAt(startA + i);
    const digitB = b.charCodeAt(startB + i);
    if (digitA !== digitB) return digitA < digitB ? -1 : 1;
  }
  // The fractions, the shorter padded with zeros.
  const fractionA = Math.min(endA + 1, a.length);
  const fractionB = Math.min(endB + 1, b.length);
  const width = Math.max(a.length - fractionA, b.length - fractionB);
  for (let i = 0; i < width; i++) {
    const digitA = fractionA + i < a.length ? a.charCodeAt(fractionA + i) : ZERO;
    const digitB = fractionB + i < b.length ? b.charCodeAt(fractionB + i) : ZERO;
    if (digitA !== digitB) return digitA < digitB ? -1 : 1;
  }
  return 0;
}
