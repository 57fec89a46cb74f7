import type { RankingKey } from '../domain/ranking.ts';
import { REGION_MONEY } from './catalog.ts';
import type { SimRow } from './data.ts';
import { mix } from './random.ts';

/*
 * Response bodies with the real API's quirks, as its document's example shows them: the creator
 * `uid` a bare 19-digit JSON number (JSON.stringify cannot write one, so a marker string is
 * swapped for the digits), top-live ids as strings, `uints_sold`, money as decimal numbers.
 */

const UID_MARKER = '@@bare-number:';
const UID_MARKER_PATTERN = /"@@bare-number:(\d+)"/g;

function money(cents: number): number {
  return cents / 100;
}

function rowJson(key: RankingKey, row: SimRow) {
  const { currency } = REGION_MONEY[key.region];
  const { creator } = row;
  return {
    creator: {
      uid: `${UID_MARKER}${creator.uid}`,
      unique_id: creator.uniqueId,
      nickname: creator.nickname,
      avatar: creator.avatar,
      // Where the creator is based: a cross-border creator keeps it in another region's ranking.
      region: creator.region,
      category: { id: creator.categoryId, name: creator.categoryName },
      follower_count: creator.followerCount,
    },
    sale_product_count: row.saleProductCount,
    live_units_sold: row.unitsSold,
    live_gmv: money(row.gmvCents),
    live_usd_gmv: money(row.usdGmvCents),
    currency,
    live_count: row.liveCount,
    top_live: row.topLives.map((live) => ({
      room_id: live.roomId,
      uid: creator.uid,
      title: live.title,
      region: key.region,
      cover: live.cover,
      uints_sold: live.unitsSold,
      gmv: money(live.gmvCents),
      currency,
    })),
  };
}

/** Which name the envelope gives its message: the guide's `msg`, or the endpoint page's `message`. */
export type MessageField = 'msg' | 'message';

/** Per-response envelope fields; the data bytes never depend on them. */
export interface EnvelopeStamp {
  timestamp: number;
  requestId: string;
  /** Default `msg`, as FastMoss's guide names it. */
  messageField?: MessageField;
}

export function envelopeText(
  code: number,
  data: unknown,
  message: string,
  stamp: EnvelopeStamp,
): string {
  const text = JSON.stringify({
    code,
    data,
    [stamp.messageField ?? 'msg']: message,
    timestamp: stamp.timestamp,
    request_id: stamp.requestId,
  });
  return text.replace(UID_MARKER_PATTERN, '$1');
}

/** A field of one row sent as something else, as a misbehaving API might (see RankingQuirk). */
export interface CorruptField {
  rank: number;
  /** A top-level field of the row, e.g. `live_gmv`. */
  field: string;
  value: unknown;
}

export function rankingPageText(
  key: RankingKey,
  total: number,
  rows: SimRow[],
  stamp: EnvelopeStamp,
  corrupt?: CorruptField,
): string {
  const data = {
    list: rows.map((row) => {
      const json: Record<string, unknown> = rowJson(key, row);
      if (corrupt?.rank === row.rank) json[corrupt.field] = corrupt.value;
      return json;
    }),
    total,
    date_type: key.periodType,
    date_value: key.periodValue,
  };
  return envelopeText(0, data, '', stamp);
}

/** A request id shaped like the example's (`eeb9aec8-5bd6-2019-da8d-ba53c6946833`). */
export function requestIdFor(sequence: number, seed: number): string {
  const hex = (part: number, width: number) =>
    mix(seed, sequence, part).toString(16).padStart(8, '0').slice(0, width);
  return `${hex(1, 8)}-${hex(2, 4)}-${hex(3, 4)}-${hex(4, 4)}-${hex(5, 8)}${hex(6, 4)}`;
}
