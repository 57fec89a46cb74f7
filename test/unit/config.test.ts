import { describe, expect, it } from 'vitest';
import { credentialSecrets, loadConfig, requireCredentials } from '../../src/config.ts';
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

  it('asks for credentials only when they are needed, without printing them', () => {
    expect(() => requireCredentials(loadConfig({}))).toThrow('FASTMOSS_TOKEN is not set');
    expect(requireCredentials(loadConfig({ FASTMOSS_TOKEN: 'abc' }))).toEqual({
      mode: 'bearer',
      token: 'abc',
    });
  });

  it('takes FASTMOSS_CLIENT_ID and FASTMOSS_CLIENT_SECRET as signed mode', () => {
    const config = loadConfig({ FASTMOSS_CLIENT_ID: ' id-1 ', FASTMOSS_CLIENT_SECRET: 's3cret' });
    expect(config.credentials).toEqual({
      mode: 'signed',
      clientId: 'id-1',
      clientSecret: 's3cret',
    });
    expect(credentialSecrets(config)).toEqual(['s3cret']);
  });

  it('refuses both modes at once, or half of the signed pair, naming no value', () => {
    const cases = [
      {
        FASTMOSS_TOKEN: 'tok-xyz',
        FASTMOSS_CLIENT_ID: 'id-xyz',
        FASTMOSS_CLIENT_SECRET: 'sec-xyz',
      },
      { FASTMOSS_TOKEN: 'tok-xyz', FASTMOSS_CLIENT_SECRET: 'sec-xyz' },
      { FASTMOSS_TOKEN: 'tok-xyz', FASTMOSS_CLIENT_ID: 'id-xyz' },
      { FASTMOSS_CLIENT_ID: 'id-xyz' },
      { FASTMOSS_CLIENT_SECRET: 'sec-xyz' },
    ];
    const messages = cases.map((env) => {
      try {
        loadConfig(env);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return String(error);
      }
    });
    expect(messages.slice(0, 3).every((text) => text.includes('are both set'))).toBe(true);
    expect(messages[3]).toContain('FASTMOSS_CLIENT_SECRET is not set');
    expect(messages[4]).toContain('FASTMOSS_CLIENT_ID is not set');
    expect(messages.join('\n')).not.toMatch(/tok-xyz|sec-xyz/);
  });
});
