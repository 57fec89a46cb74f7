import { z } from 'zod';
import {
  MAX_PAGE_SIZE,
  MAX_RANKING_ROWS,
  ORDER_FIELDS,
  PERIOD_TYPES,
  type RankingKey,
  REGIONS,
} from '../domain/ranking.ts';
import { isValidPeriodValue, periodContaining } from '../plan/periods.ts';

/** A valid topCreator request: the ranking it asks for and which slice of it. */
export interface SimQuery {
  key: RankingKey;
  page: number;
  pagesize: number;
}

export type RequestCheck = { ok: true; query: SimQuery } | { ok: false; message: string };

const integer = (what: string) =>
  z.number({ error: `${what} must be an integer` }).int(`${what} must be an integer`);
const categoryId = (what: string) => integer(what).nullish();

const PERIOD_SHAPES = { day: 'YYYY-MM-DD', week: 'YYYY-WW, an ISO week', month: 'YYYY-MM' };

const orderSchema = z.object({
  field: z.enum(ORDER_FIELDS, { error: `orderby.field must be one of ${ORDER_FIELDS.join(', ')}` }),
  order: z.literal('desc', { error: 'orderby.order must be desc' }).optional(),
});

const requestSchema = z.object(
  {
    filter: z
      .object(
        {
          region: z
            .enum(REGIONS, { error: `filter.region must be one of ${REGIONS.join(', ')}` })
            .optional(),
          product_category_id: categoryId('filter.product_category_id'),
          creator_category_id: categoryId('filter.creator_category_id'),
          date_info: z
            .object(
              {
                type: z.enum(PERIOD_TYPES, {
                  error: 'filter.date_info.type must be day, week or month',
                }),
                value: z.string({ error: 'filter.date_info.value must be a string' }),
              },
              { error: 'filter.date_info must be an object {type, value}' },
            )
            .superRefine((info, ctx) => {
              if (isValidPeriodValue(info.type, info.value)) return;
              ctx.addIssue({
                code: 'custom',
                message: `filter.date_info.value ${info.value} is not a valid ${info.type} (${PERIOD_SHAPES[info.type]})`,
              });
            })
            .optional(),
        },
        { error: 'filter must be an object' },
      )
      .optional(),
    // The document's table says object, its example sends an array: accept both.
    orderby: z
      .union([z.array(orderSchema).max(1, 'orderby accepts one field'), orderSchema], {
        error: 'orderby must be [{field, order}] or {field, order}',
      })
      .optional(),
    page: integer('page').min(1, 'page must be >= 1').optional(),
    pagesize: integer('pagesize')
      .min(1, `pagesize must be in [1, ${MAX_PAGE_SIZE}]`)
      .max(MAX_PAGE_SIZE, `pagesize must be in [1, ${MAX_PAGE_SIZE}]`)
      .optional(),
  },
  { error: 'the body must be a JSON object' },
);

/** Checks a request body against every rule of the document; defaults what it may omit. */
export function checkTopCreatorRequest(body: unknown, now: Date): RequestCheck {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      message: `Invalid parameter: ${parsed.error.issues[0]?.message ?? 'unreadable body'}`,
    };
  }
  const { filter, orderby, page = 1, pagesize = 10 } = parsed.data;
  if (page * pagesize > MAX_RANKING_ROWS) {
    return {
      ok: false,
      message: `Invalid parameter: page * pagesize must be <= ${MAX_RANKING_ROWS}`,
    };
  }
  const order = Array.isArray(orderby) ? orderby[0] : orderby;
  const yesterday = new Date(now.getTime() - 86_400_000);
  return {
    ok: true,
    query: {
      key: {
        region: filter?.region ?? 'US',
        productCategoryId: filter?.product_category_id ?? null,
        creatorCategoryId: filter?.creator_category_id ?? null,
        periodType: filter?.date_info?.type ?? 'day',
        periodValue: filter?.date_info?.value ?? periodContaining('day', yesterday),
        orderField: order?.field ?? 'units_sold',
      },
      page,
      pagesize,
    },
  };
}
