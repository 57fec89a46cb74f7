/*
 * FastMoss sends 19-digit creator ids as bare JSON numbers (beyond 2^53, so `JSON.parse` would
 * round them) and money as decimals, so no number from the wire may pass through a double.
 *
 * parseLossless copies the text once, putting quotes around every number outside a string, and
 * hands the result to the built-in JSON.parse: every number arrives as a string of exactly the
 * digits sent. The fields that read numbers accept numeric strings anyway, as the API may send
 * either. This replaced lossless-json, which took 2.3x as long per page and built each string
 * one character at a time, a large share of the pipeline's garbage-collection time and memory.
 */

const VALID_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Characters that can continue a number token: digits, `-`, `+`, `.`, `e`, `E`. */
function isNumberPart(code: number): boolean {
  return (
    isDigit(code) ||
    code === MINUS ||
    code === 0x2b ||
    code === 0x2e ||
    code === 0x45 ||
    code === 0x65
  );
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
 * Parses JSON keeping every number as a string of its exact digits. Throws SyntaxError on
 * malformed JSON, as JSON.parse does.
 */
export function parseLossless(text: string): unknown {
  let quoted = '';
  let copiedUpTo = 0;
  let at = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      at = endOfString(text, at);
    } else if (code === MINUS || isDigit(code)) {
      let end = at + 1;
      while (end < text.length && isNumberPart(text.charCodeAt(end))) end++;
      const token = text.slice(at, end);
      if (!VALID_NUMBER.test(token)) {
        throw new SyntaxError(`Invalid number ${token} in JSON at position ${at}`);
      }
      quoted += `${text.slice(copiedUpTo, at)}"${token}"`;
      copiedUpTo = end;
      at = end;
    } else {
      at++;
    }
  }
  return JSON.parse(copiedUpTo === 0 ? text : quoted + text.slice(copiedUpTo));
}

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Plain decimal text of a JSON number or numeric string (`1.5e3` -> `1500`, `0012.50` ->
 * `12.50`), digits untouched; undefined if it is not a number. Exponents are expanded so
 * Postgres `numeric` and string comparisons see one notation.
 */
export function toDecimalText(text: string): string | undefined {
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

function compareMagnitude(a: string, b: string): number {
  const [wholeA = '', fracA = ''] = a.split('.');
  const [wholeB = '', fracB = ''] = b.split('.');
  const intA = wholeA.replace(/^0+/, '');
  const intB = wholeB.replace(/^0+/, '');
  if (intA.length !== intB.length) return intA.length - intB.length;
  if (intA !== intB) return intA < intB ? -1 : 1;
  const width = Math.max(fracA.length, fracB.length);
  const paddedA = fracA.padEnd(width, '0');
  const paddedB = fracB.padEnd(width, '0');
  if (paddedA === paddedB) return 0;
  return paddedA < paddedB ? -1 : 1;
}
