import type { OrderField, PeriodType, RankingKey, Region } from '../domain/ranking.ts';

/** The JSON body of `POST /live/v1/rank/topCreator`. */
export interface TopCreatorRequestBody {
  filter: {
    region: Region;
    product_category_id?: number;
    creator_category_id?: number;
    date_info: { type: PeriodType; value: string };
  };
  // The document's table says object, its example sends an array; the array is what works.
  orderby: Array<{ field: OrderField; order: 'desc' }>;
  page: number;
  pagesize: number;
}

/** The request for one page of a ranking. A category of `null` ("all") is left out. */
export function topCreatorRequestBody(
  key: RankingKey,
  page: number,
  pagesize: number,
): TopCreatorRequestBody {
  return {
    filter: {
      region: key.region,
      ...(key.productCategoryId === null ? {} : { product_category_id: key.productCategoryId }),
      ...(key.creatorCategoryId === null ? {} : { creator_category_id: key.creatorCategoryId }),
      date_info: { type: key.periodType, value: key.periodValue },
    },
    orderby: [{ field: key.orderField, order: 'desc' }],
    page,
    pagesize,
  };
}

export const TOP_CREATOR_PATH = '/live/v1/rank/topCreator';
