import type { IdString } from '../domain/ranking.ts';
import { toDecimalText, toIntegerText } from './lossless-parse.ts';

/*
 * How each field of a page is read, as plain functions shared by the zod schemas (which name the
 * failing field) and the fast path (which reads a well-formed page without zod's overhead), so the
 * two can never disagree on a value. Each returns INVALID for a value it refuses.
 */

export const INVALID: unique symbol = Symbol('invalid field');
export type Read<T> = T | typeof INVALID;

/*
 * parseLossless hands a JSON number over as a JS number only when it is an integer of at most 15
 * digits, whose `String()` is exactly the digits sent; every other number as a string of its
 * exact digits. So a number and its text are the same value here, and each reader accepts both.
 */

/** A number's digits, from a bare integer or a (numeric) string. */
export function numberText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  return typeof value === 'number' ? String(value) : undefined;
}

const ID_DIGITS = /^\d{1,20}$/;
const PLAIN_COUNT = /^\d{1,15}$/;

/** An exact id as digits. A float-looking id (`7.29e18`) was rounded somewhere: refuse it. */
export function readId(value: unknown): Read<IdString> {
  const text = numberText(value);
  if (text === undefined || !ID_DIGITS.test(text)) return INVALID;
  return text.charCodeAt(0) === 0x30 ? text.replace(/^0+(?=\d)/, '') : text;
}

export function readCount(value: unknown): Read<number | null> {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : INVALID;
  }
  if (value === null || value === undefined || value === '') return null;
  const text = numberText(value);
  if (text === undefined) return INVALID;
  if (PLAIN_COUNT.test(text)) return Number(text);
  const integer = toIntegerText(text);
  const count = integer === undefined ? Number.NaN : Number(integer);
  if (!Number.isSafeInteger(count) || count < 0) return INVALID;
  return count;
}

/** Money as exact decimal text: the digits as sent, never via a double. */
export function readMoney(value: unknown): Read<string | null> {
  if (value === null || value === undefined || value === '') return null;
  const text = numberText(value);
  const decimal = text === undefined ? undefined : toDecimalText(text);
  return decimal === undefined ? INVALID : decimal;
}

/** Text, or the digits of a bare number sent where text belongs. */
export function readText(value: unknown): Read<string> {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : INVALID;
}

export function readOptionalText(value: unknown): Read<string | null> {
  if (value === null || value === undefined) return null;
  return readText(value);
}

export const FIELD_MESSAGES = {
  id: 'expected an integer id',
  count: 'expected a non-negative integer',
  money: 'expected a decimal amount',
  text: 'expected a string',
} as const;
