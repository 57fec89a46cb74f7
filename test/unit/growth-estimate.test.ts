import { describe, expect, it } from 'vitest';
import { estimateGrowth } from '../../src/db/growth-estimate.ts';
import {
  BYTES_PER_ENTRY,
  BYTES_PER_RANKING,
  BYTES_PER_TOP_LIVE,
  DEFAULT_ENTRIES_PER_RANKING,
  RAW_BYTES_PER_PAGE,
  RAW_BYTES_PER_ROW,
} from '../../src/db/row-sizes.ts';
import { formatBytes } from '../../src/observe/bytes.ts';

const DEFAULT_RATIO = { value: 1.5, basis: 'default' } as const;

describe('estimateGrowth', () => {
  it('multiplies expected rows by the measured per-row sizes', () => {
    const growth = estimateGrowth(
      [{ periodType: 'week', rankings: 4, averageEntries: 250, basis: 'series' }],
      { pageSize: 100, replaced: 0, topLivesPerEntry: DEFAULT_RATIO },
    );
    expect(growth).toMatchObject({
      estimate: true,
      rankings: 4,
      snapshots: 4,
      entries: 1000,
      topLives: 1500,
      rawPages: 12,
      entriesBasis: { series: 4, regionPeriod: 0, default: 0 },
    });
    expect(growth.bytes).toEqual({
      entries: 1000 * BYTES_PER_ENTRY,
      topLives: 1500 * BYTES_PER_TOP_LIVE,
      rawPages: 1000 * RAW_BYTES_PER_ROW + 12 * RAW_BYTES_PER_PAGE,
      rankings: 4 * BYTES_PER_RANKING,
      total:
        1000 * BYTES_PER_ENTRY +
        1500 * BYTES_PER_TOP_LIVE +
        1000 * RAW_BYTES_PER_ROW +
        12 * RAW_BYTES_PER_PAGE +
        4 * BYTES_PER_RANKING,
    });
  });

  it('uses the measured default of the period type when the warehouse knows no like ranking', () => {
    const growth = estimateGrowth(
      [
        { periodType: 'day', rankings: 2, averageEntries: null, basis: 'regionPeriod' },
        { periodType: 'month', rankings: 1, averageEntries: null, basis: 'series' },
      ],
      { pageSize: 100, replaced: 0, topLivesPerEntry: DEFAULT_RATIO },
    );
    expect(growth.entries).toBe(
      2 * DEFAULT_ENTRIES_PER_RANKING.day + DEFAULT_ENTRIES_PER_RANKING.month,
    );
    expect(growth.entriesBasis).toEqual({ series: 0, regionPeriod: 0, default: 3 });
  });

  it('caps a ranking at 500 entries, counts an empty ranking one page, and pages at the page size', () => {
    const growth = estimateGrowth(
      [
        { periodType: 'day', rankings: 1, averageEntries: 900, basis: 'series' },
        { periodType: 'day', rankings: 1, averageEntries: 0, basis: 'series' },
      ],
      { pageSize: 10, replaced: 3, topLivesPerEntry: DEFAULT_RATIO },
    );
    expect(growth.entries).toBe(500);
    expect(growth.rawPages).toBe(50 + 1);
    expect(growth.replaced).toBe(3);
  });

  it('estimates nothing for nothing', () => {
    const growth = estimateGrowth([], {
      pageSize: 100,
      replaced: 0,
      topLivesPerEntry: DEFAULT_RATIO,
    });
    expect(growth).toMatchObject({ rankings: 0, entries: 0, topLives: 0, rawPages: 0 });
    expect(growth.bytes.total).toBe(0);
  });
});

describe('formatBytes', () => {
  it("writes sizes in Postgres's 1024-based units, a tenth below ten", () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(9728)).toBe('9.5 kB');
    expect(formatBytes(19_046)).toBe('19 kB');
    expect(formatBytes(251_109_376)).toBe('239 MB');
    expect(formatBytes(3.3 * 1024 ** 4)).toBe('3.3 TB');
  });
});
