import { describe, expect, it } from 'vitest';
import { parseLossless } from '../../src/fastmoss/lossless-parse.ts';
import { describeIssue, envelopeSchema, rankingPageSchema } from '../../src/fastmoss/wire.ts';
import { DOCUMENT_EXAMPLE_BODY } from '../support/simulator.ts';

function pageData(bodyText: string): unknown {
  return envelopeSchema.parse(parseLossless(bodyText)).data;
}

function firstProblem(data: unknown): string | undefined {
  const result = rankingPageSchema.safeParse(data);
  const issue = result.error?.issues[0];
  return issue ? describeIssue('data', issue) : undefined;
}

const minimalRow = (fields: Record<string, string>) =>
  `{"creator":{"uid":${fields.uid ?? '7291972001835992106'},"unique_id":"a"}${fields.extra ?? ''}}`;

describe('rankingPageSchema', () => {
  it("reads the document's example exactly: bare 19-digit uid, decimal money, uints_sold", () => {
    const page = rankingPageSchema.parse(pageData(DOCUMENT_EXAMPLE_BODY));
    expect(page.total).toBe(500);
    expect(page.dateType).toBe('week');
    expect(page.dateValue).toBe('2026-13');
    expect(page.entries).toHaveLength(1);
    const [entry] = page.entries;
    expect(entry?.creator).toEqual({
      uid: '7291972001835992106',
      uniqueId: 'highlanddaily1',
      nickname: 'highlanddaily1',
      avatarUrl: 'https://s.500fd.com/tt_author/05cf95d47762fb424adeb44051ec003a~c5_300x300.jpeg',
      region: 'US',
      categoryId: 4,
      categoryName: 'Beauty',
      followerCount: 77777777,
    });
    expect(entry?.liveGmv).toBe('958762.84');
    expect(entry?.liveUsdGmv).toBe('958762.84');
    expect(entry?.liveUnitsSold).toBe(57140);
    expect(entry?.saleProductCount).toBe(178);
    expect(entry?.liveCount).toBe(6);
    expect(entry?.currency).toBe('USD');
    expect(entry?.topLives).toEqual([
      {
        position: 1,
        roomId: '7621968386985085727',
        creatorUid: '7291972001835992106',
        region: 'US',
        title: 'Spring Glow Up LIVE',
        coverUrl: 'https://s.500fd.com/tt_live/7584354100402735927~tplv-obj.image',
        unitsSold: 72,
        gmv: '1646.34',
        currency: 'USD',
      },
      expect.objectContaining({
        position: 2,
        roomId: '7621609989198727966',
        unitsSold: 20,
        gmv: '292.64',
      }),
    ]);
  });

  it('accepts units_sold as well as uints_sold, numeric strings, missing and null fields, extra fields', () => {
    const data = parseLossless(`{
      "list": [{
        "creator": {"uid": "7291972001835992106", "unique_id": "x", "nickname": null, "category": null, "new_field": 1},
        "live_gmv": "12.5", "live_usd_gmv": null, "live_units_sold": "40", "top_live": [
          {"room_id": 7621968386985085727, "units_sold": 3, "gmv": 1e2},
          {"room_id": "7621968386985085728", "uints_sold": "4", "units_sold": null}
        ],
        "rank_change": 3
      }],
      "total": "1"
    }`);
    const page = rankingPageSchema.parse(data);
    const entry = page.entries[0];
    expect(entry?.creator).toMatchObject({ nickname: '', categoryId: null, avatarUrl: null });
    expect(entry?.liveGmv).toBe('12.5');
    expect(entry?.liveUsdGmv).toBeNull();
    expect(entry?.liveUnitsSold).toBe(40);
    expect(entry?.saleProductCount).toBeNull();
    expect(
      entry?.topLives.map((live) => [live.roomId, live.unitsSold, live.gmv, live.creatorUid]),
    ).toEqual([
      ['7621968386985085727', 3, '100', '7291972001835992106'],
      ['7621968386985085728', 4, null, '7291972001835992106'],
    ]);
    expect(page.dateType).toBeNull();
  });

  it('treats a null list as an empty page', () => {
    expect(rankingPageSchema.parse(parseLossless('{"list": null, "total": 0}')).entries).toEqual(
      [],
    );
  });

  it('names the field path of a broken row', () => {
    const rows = [
      minimalRow({}),
      minimalRow({}),
      minimalRow({}),
      minimalRow({ uid: '7.291972001835992e18' }),
    ];
    expect(firstProblem(parseLossless(`{"list":[${rows.join(',')}],"total":4}`))).toBe(
      'data.list[3].creator.uid: expected an integer id',
    );
    expect(
      firstProblem(
        parseLossless(`{"list":[${minimalRow({ extra: ',"live_gmv":"lots"' })}],"total":1}`),
      ),
    ).toBe('data.list[0].live_gmv: expected a decimal amount');
    expect(
      firstProblem(
        parseLossless(`{"list":[${minimalRow({ extra: ',"live_count":-1' })}],"total":1}`),
      ),
    ).toBe('data.list[0].live_count: expected a non-negative integer');
    expect(firstProblem(parseLossless('{"list":[{"creator":{"uid":1}}],"total":1}'))).toBe(
      'data.list[0].creator.unique_id: expected a string',
    );
    expect(firstProblem(parseLossless('{"list":[]}'))).toBe(
      'data.total: expected the total row count',
    );
    expect(firstProblem(parseLossless('{"list":{},"total":1}'))).toBe(
      'data.list: expected an array',
    );
  });
});
