import { describe, expect, it } from 'vitest';
import { loadConfig, requireToken } from '../../src/config.ts';
import { ConfigError } from '../../src/domain/errors.ts';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({});
    expect(config.baseUrl).toBe('https://openapi.fastmoss.com');
    expect(config.concurrency).toBe(4);
    expect(config.rps).toBe(5);
    expect(config.maxAttempts).toBe(5);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.selection.regions).toHaveLength(15);
    expect(config.selection.productCategoryIds).toEqual([null]);
    expect(config.selection.creatorCategoryIds).toEqual([null]);
    expect(config.selection.orderFields).toEqual(['units_sold', 'gmv']);
    expect(config.selection.periodTypes).toEqual(['day', 'week', 'month']);
  });

  it('reads comma lists, with all as no filter', () => {
    const config = loadConfig({
      REGIONS: 'us, gb',
      PRODUCT_CATEGORY_IDS: 'all,14,14',
      ORDER_FIELDS: 'gmv',
    });
    expect(config.selection.regions).toEqual(['US', 'GB']);
    expect(config.selection.productCategoryIds).toEqual([null, 14]);
    expect(config.selection.orderFields).toEqual(['gmv']);
  });

  it.each([
    [{ REGIONS: 'US,XX' }, "REGIONS: unknown region 'XX'"],
    [{ ETL_RPS: '0' }, 'ETL_RPS must be a positive number'],
    [{ ETL_CONCURRENCY: 'four' }, 'ETL_CONCURRENCY must be an integer'],
    [{ PRODUCT_CATEGORY_IDS: '1.5' }, "'1.5' is not a category id"],
    [{ PERIODS: 'year' }, "PERIODS: unknown value 'year'"],
    [{ FASTMOSS_BASE_URL: 'ftp://x' }, 'FASTMOSS_BASE_URL must be an http(s) URL'],
  ])('rejects %o with a one-line reason', (env, reason) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(reason);
  });

  it('keeps raw pages forever unless RAW_RETENTION_DAYS says how many days', () => {
    expect(loadConfig({}).rawRetentionDays).toBeUndefined();
    expect(loadConfig({ RAW_RETENTION_DAYS: ' ' }).rawRetentionDays).toBeUndefined();
    expect(loadConfig({ RAW_RETENTION_DAYS: '90' }).rawRetentionDays).toBe(90);
    expect(() => loadConfig({ RAW_RETENTION_DAYS: '0' })).toThrow(
      "RAW_RETENTION_DAYS must be an integer from 1 to 36500, got '0'",
    );
  });

  it('never echoes a DATABASE_URL that may carry a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' })).toThrow(
      /^DATABASE_URL must be a postgres/,
    );
    try {
      loadConfig({ DATABASE_URL: 'mysql://u:secret@h/db' });
    } catch (error) {
      expect(String(error)).not.toContain('secret');
    }
  });

  it('asks for a token only when one is needed, without printing it', () => {
    expect(() => requireToken(loadConfig({}))).toThrow('FASTMOSS_TOKEN is not set');
    expect(requireToken(loadConfig({ FASTMOSS_TOKEN: 'abc' }))).toBe('abc');
  });
});
