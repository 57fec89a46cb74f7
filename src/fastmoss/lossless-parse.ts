import { parse } from 'lossless-json';

/**
 * A JSON number as the text it was sent as. FastMoss sends 19-digit creator ids as bare numbers
 * (beyond 2^53, so `JSON.parse` would round them) and money as decimals, so no number from the
 * wire ever passes through a double.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** Parses JSON keeping every number as its exact text. Throws SyntaxError on malformed JSON. */
export function parseLossless(text: string): unknown {
  return parse(text, null, (numberText) => new JsonNumber(numberText));
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
