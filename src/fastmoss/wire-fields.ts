import type { IdString } from '../domain/ranking.ts';
import { toDecimalText, toIntegerText } from './lossless-parse.ts';

/*
 * How each field of a page is read, as plain functions shared by the zod schemas (which name the
 * failing field) and the fast path (which reads a well-formed page without zod's overhead), so the
 * two can never disagree on a value. Each returns INVALID for a value it refuses.
 */

export const INVALID: unique symbol = Symbol('invalid field');
export type Read<T> = T | typeof INVALID;

/** A number's digits: parseLossless hands every JSON number over as a string. */
export function numberText(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

const ID_DIGITS = /^\d{1,20}$/;

/** An exact id as digits. A float-looking id (`7.29e18`) was rounded somewhere: refuse it. */
export function readId(value: unknown): Read<IdString> {
  const text = numberText(value);
  if (text === undefined || !ID_DIGITS.test(text)) return INVALID;
  return text.replace(/^0+(?=\d)/, '');
}

export function readCount(value: unknown): Read<number | null> {
  if (value === null || value === undefined || value === '') return null;
  const text = numberText(value);
  const integer = text === undefined ? undefined : toIntegerText(text);
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

export function readOptionalText(value: unknown): Read<string | null> {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : INVALID;
}

export const FIELD_MESSAGES = {
  id: 'expected an integer id',
  count: 'expected a non-negative integer',
  money: 'expected a decimal amount',
  text: 'expected a string',
} as const;
