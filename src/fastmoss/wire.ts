import { z } from 'zod';
import type { IdString, RankedTopLive, RankingEntry } from '../domain/ranking.ts';
import { JsonNumber, toDecimalText, toIntegerText } from './lossless-parse.ts';

/*
 * Schemas of what FastMoss actually sends, read from `parseLossless` output (every number a
 * JsonNumber). They accept what the document's example shows, not only what its tables say:
 * ids as bare 19-digit numbers or strings, money as decimals, `uints_sold` for `units_sold`,
 * numbers as numeric strings, null or missing optional fields, extra fields (ignored).
 */

function numberText(value: unknown): string | undefined {
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return value.trim();
  return undefined;
}

const ID_DIGITS = /^\d{1,20}$/;

/** An exact id as digits. A float-looking id (`7.29e18`) was rounded somewhere: refuse it. */
const idField = z
  .unknown()
  .optional()
  .transform((value, ctx): IdString => {
    const text = numberText(value);
    if (text === undefined || !ID_DIGITS.test(text)) {
      ctx.addIssue({ code: 'custom', message: 'expected an integer id' });
      return z.NEVER;
    }
    return text.replace(/^0+(?=\d)/, '');
  });

const countField = z
  .unknown()
  .optional()
  .transform((value, ctx): number | null => {
    if (value === null || value === undefined || value === '') return null;
    const text = numberText(value);
    const integer = text === undefined ? undefined : toIntegerText(text);
    const count = integer === undefined ? Number.NaN : Number(integer);
    if (!Number.isSafeInteger(count) || count < 0) {
      ctx.addIssue({ code: 'custom', message: 'expected a non-negative integer' });
      return z.NEVER;
    }
    return count;
  });

/** Money as exact decimal text: the digits as sent, never via a double. */
const moneyField = z
  .unknown()
  .optional()
  .transform((value, ctx): string | null => {
    if (value === null || value === undefined || value === '') return null;
    const text = numberText(value);
    const decimal = text === undefined ? undefined : toDecimalText(text);
    if (decimal === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a decimal amount' });
      return z.NEVER;
    }
    return decimal;
  });

const optionalText = z
  .unknown()
  .optional()
  .transform((value, ctx): string | null => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return value;
    if (value instanceof JsonNumber) return value.text;
    ctx.addIssue({ code: 'custom', message: 'expected a string' });
    return z.NEVER;
  });

const requiredText = z.string({ error: 'expected a string' });

const categorySchema = z
  .object({ id: countField, name: optionalText })
  .nullish()
  .transform((category) => ({ id: category?.id ?? null, name: category?.name ?? null }));

const creatorSchema = z.object(
  {
    uid: idField,
    unique_id: requiredText,
    nickname: optionalText,
    avatar: optionalText,
    region: optionalText,
    category: categorySchema,
    follower_count: countField,
  },
  { error: 'expected a creator object' },
);

const topLiveSchema = z.object(
  {
    room_id: idField,
    uid: idField.optional(),
    region: optionalText,
    title: optionalText,
    cover: optionalText,
    units_sold: countField,
    // The document's example spells it `uints_sold`; accept either, prefer the correct one.
    uints_sold: countField,
    gmv: moneyField,
    currency: optionalText,
  },
  { error: 'expected a top live object' },
);

/** One row of `data.list`, as the domain's entry minus its rank (ranks come from position). */
export type WireEntry = Omit<RankingEntry, 'rank'> & {
  /** A `rank` field, if the API ever sends one; checked against the position. */
  wireRank: number | null;
};

const entrySchema = z
  .object(
    {
      rank: countField,
      creator: creatorSchema,
      top_live: z.array(topLiveSchema, { error: 'expected an array' }).nullish(),
      sale_product_count: countField,
      live_units_sold: countField,
      live_gmv: moneyField,
      live_usd_gmv: moneyField,
      currency: optionalText,
      live_count: countField,
    },
    { error: 'expected a ranking row object' },
  )
  .transform((row): WireEntry => {
    const topLives: RankedTopLive[] = (row.top_live ?? []).map((live, index) => ({
      position: index + 1,
      roomId: live.room_id,
      creatorUid: live.uid ?? row.creator.uid,
      region: live.region,
      title: live.title,
      coverUrl: live.cover,
      unitsSold: live.units_sold ?? live.uints_sold,
      gmv: live.gmv,
      currency: live.currency,
    }));
    return {
      wireRank: row.rank,
      creator: {
        uid: row.creator.uid,
        uniqueId: row.creator.unique_id,
        nickname: row.creator.nickname ?? '',
        avatarUrl: row.creator.avatar,
        region: row.creator.region,
        categoryId: row.creator.category.id,
        categoryName: row.creator.category.name,
        followerCount: row.creator.follower_count,
      },
      saleProductCount: row.sale_product_count,
      liveUnitsSold: row.live_units_sold,
      liveGmv: row.live_gmv,
      liveUsdGmv: row.live_usd_gmv,
      currency: row.currency,
      liveCount: row.live_count,
      topLives,
    };
  });

/** `data` of a successful topCreator response. */
export const rankingPageSchema = z
  .object(
    {
      list: z.array(entrySchema, { error: 'expected an array' }).nullish(),
      total: countField.refine((total) => total !== null, 'expected the total row count'),
      date_type: optionalText,
      date_value: optionalText,
    },
    { error: 'expected an object' },
  )
  .transform((data) => ({
    entries: data.list ?? [],
    total: data.total ?? 0,
    dateType: data.date_type,
    dateValue: data.date_value,
  }));

export type RankingPageData = z.output<typeof rankingPageSchema>;

const apiCodeField = z
  .unknown()
  .optional()
  .transform((value, ctx): number => {
    const text = numberText(value);
    const code = text === undefined ? Number.NaN : Number(text);
    if (!Number.isSafeInteger(code)) {
      ctx.addIssue({ code: 'custom', message: 'expected an integer code' });
      return z.NEVER;
    }
    return code;
  });

/** The envelope every response shares: `{code, data, message, timestamp, request_id}`. */
export const envelopeSchema = z.object(
  {
    code: apiCodeField,
    data: z.unknown(),
    message: optionalText,
    request_id: optionalText,
  },
  { error: 'expected a JSON object' },
);

export type Envelope = z.output<typeof envelopeSchema>;

/** `data.list[3].creator.uid`, the field a zod issue under `data` is about. */
export function issuePath(root: string, issue: z.core.$ZodIssue): string {
  let path = root;
  for (const segment of issue.path) {
    path += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return path;
}

/** `data.list[3].creator.uid: expected an integer id`, from a zod issue under `data`. */
export function describeIssue(root: string, issue: z.core.$ZodIssue): string {
  return `${issuePath(root, issue)}: ${issue.message}`;
}
