import { z } from 'zod';
import type { RankedTopLive, RankingEntry } from '../domain/ranking.ts';
import {
  FIELD_MESSAGES,
  INVALID,
  numberText,
  type Read,
  readCount,
  readId,
  readMoney,
  readOptionalText,
  readText,
} from './wire-fields.ts';

/*
 * Schemas of what FastMoss actually sends, read from `parseLossless` output (a number a
 * string of its exact digits, or an integer of at most 15 digits). They accept what the document's example shows, not only what its tables say:
 * ids as bare 19-digit numbers or strings, money as decimals, `uints_sold` for `units_sold`,
 * numbers as numeric strings, null or missing optional fields, extra fields (ignored).
 */

/** A zod field that reads with `read` and reports `message` for a value it refuses. */
function field<T>(read: (value: unknown) => Read<T>, message: string) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx): T => {
      const result = read(value);
      if (result === INVALID) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return result;
    });
}

const idField = field(readId, FIELD_MESSAGES.id);
const countField = field(readCount, FIELD_MESSAGES.count);
const moneyField = field(readMoney, FIELD_MESSAGES.money);
const optionalText = field(readOptionalText, FIELD_MESSAGES.text);

const requiredText = field(readText, FIELD_MESSAGES.text);

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

/**
 * The envelope every response shares: `{code, msg, data, request_id, timestamp}`. The guide
 * names the message `msg`; some pages (the endpoint page's example) spell it `message`.
 */
export const envelopeSchema = z.object(
  {
    code: apiCodeField,
    data: z.unknown(),
    msg: optionalText,
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
