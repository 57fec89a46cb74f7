import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { planBackfill } from '../../src/plan/plan.ts';

describe('planBackfill', () => {
  it('crosses regions, categories, ended periods and order fields', () => {
    const { selection } = loadConfig({
      REGIONS: 'US,GB',
      PRODUCT_CATEGORY_IDS: 'all,14',
      CREATOR_CATEGORY_IDS: 'all',
      PERIODS: 'day,week,month',
    });
    const planned = planBackfill(
      selection,
      '2026-03-30',
      '2026-04-05',
      new Date('2026-04-20T00:00:00Z'),
    );
    // 7 days + 1 week + 2 months (March and April overlap; April has not ended)
    const periods = 7 + 1 + 1;
    expect(planned).toHaveLength(2 * 2 * 1 * periods * 2);
    const first = planned[0];
    expect(first?.key).toEqual({
      region: 'US',
      productCategoryId: null,
      creatorCategoryId: null,
      periodType: 'day',
      periodValue: '2026-03-30',
      orderField: 'units_sold',
    });
    const labels = new Set(planned.map((p) => JSON.stringify(p.key)));
    expect(labels.size).toBe(planned.length);
    const month = planned.find((p) => p.key.periodType === 'month');
    expect(month).toMatchObject({ periodStart: '2026-03-01', periodEnd: '2026-03-31' });
  });
});
