import { describe, expect, it } from 'vitest';
import { checkTopCreatorRequest } from '../../src/simulator/request.ts';

const NOW = new Date('2026-04-02T08:00:00Z');

const valid = {
  filter: {
    region: 'US',
    product_category_id: 14,
    date_info: { type: 'day', value: '2026-04-01' },
  },
  orderby: [{ field: 'units_sold', order: 'desc' }],
  page: 1,
  pagesize: 10,
};

function messageFor(body: unknown): string | undefined {
  const check = checkTopCreatorRequest(body, NOW);
  return check.ok ? undefined : check.message;
}

function withFilter(filter: Record<string, unknown>) {
  return { ...valid, filter: { ...valid.filter, ...filter } };
}

describe('checkTopCreatorRequest', () => {
  it("accepts the document's example and reads the ranking key from it", () => {
    expect(checkTopCreatorRequest(valid, NOW)).toEqual({
      ok: true,
      query: {
        key: {
          region: 'US',
          productCategoryId: 14,
          creatorCategoryId: null,
          periodType: 'day',
          periodValue: '2026-04-01',
          orderField: 'units_sold',
        },
        page: 1,
        pagesize: 10,
      },
    });
  });

  it('accepts orderby as one object too, and defaults what the document lets one omit', () => {
    expect(
      checkTopCreatorRequest({ ...valid, orderby: { field: 'gmv', order: 'desc' } }, NOW),
    ).toMatchObject({
      ok: true,
      query: { key: { orderField: 'gmv' } },
    });
    expect(checkTopCreatorRequest({}, NOW)).toMatchObject({
      ok: true,
      query: {
        key: {
          region: 'US',
          periodType: 'day',
          periodValue: '2026-04-01',
          orderField: 'units_sold',
        },
        page: 1,
        pagesize: 10,
      },
    });
  });

  it('accepts ISO weeks that exist (2026-53) and months', () => {
    expect(
      messageFor(withFilter({ date_info: { type: 'week', value: '2026-53' } })),
    ).toBeUndefined();
    expect(
      messageFor(withFilter({ date_info: { type: 'month', value: '2026-03' } })),
    ).toBeUndefined();
  });

  it.each([
    ['a region outside the list', withFilter({ region: 'CN' }), 'filter.region must be one of'],
    [
      'a non-integer product category',
      withFilter({ product_category_id: '14' }),
      'filter.product_category_id must be an integer',
    ],
    [
      'a fractional creator category',
      withFilter({ creator_category_id: 2.5 }),
      'filter.creator_category_id must be an integer',
    ],
    [
      'an unknown period type',
      withFilter({ date_info: { type: 'year', value: '2026' } }),
      'filter.date_info.type must be day, week or month',
    ],
    [
      'an impossible day',
      withFilter({ date_info: { type: 'day', value: '2026-02-30' } }),
      '2026-02-30 is not a valid day',
    ],
    [
      'a week 2025 does not have',
      withFilter({ date_info: { type: 'week', value: '2025-53' } }),
      '2025-53 is not a valid week',
    ],
    [
      'a one-digit week',
      withFilter({ date_info: { type: 'week', value: '2026-5' } }),
      'not a valid week',
    ],
    [
      'month 13',
      withFilter({ date_info: { type: 'month', value: '2026-13' } }),
      'not a valid month',
    ],
    [
      'an order field outside the list',
      { ...valid, orderby: [{ field: 'likes', order: 'desc' }] },
      'orderby',
    ],
    ['ascending order', { ...valid, orderby: [{ field: 'gmv', order: 'asc' }] }, 'orderby'],
    [
      'two order fields',
      { ...valid, orderby: [{ field: 'gmv' }, { field: 'units_sold' }] },
      'orderby',
    ],
    ['page 0', { ...valid, page: 0 }, 'page must be >= 1'],
    ['a fractional page', { ...valid, page: 1.5 }, 'page must be an integer'],
    ['pagesize 0', { ...valid, pagesize: 0 }, 'pagesize must be in [1, 100]'],
    ['pagesize 101', { ...valid, pagesize: 101 }, 'pagesize must be in [1, 100]'],
    [
      'page * pagesize over 500',
      { ...valid, page: 6, pagesize: 100 },
      'page * pagesize must be <= 500',
    ],
    ['a body that is not an object', [1, 2], 'the body must be a JSON object'],
  ])('rejects %s', (_name, body, expected) => {
    const message = messageFor(body);
    expect(message).toMatch(/^Invalid parameter: /);
    expect(message).toContain(expected);
  });

  it('allows the last page of 500 rows', () => {
    expect(messageFor({ ...valid, page: 5, pagesize: 100 })).toBeUndefined();
    expect(messageFor({ ...valid, page: 50, pagesize: 10 })).toBeUndefined();
  });
});
