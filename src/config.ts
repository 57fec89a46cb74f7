import { z } from 'zod';
import { ConfigError } from './domain/errors.ts';
import {
  MAX_PAGE_SIZE,
  ORDER_FIELDS,
  type OrderField,
  orderFieldSchema,
  PERIOD_TYPES,
  type PeriodType,
  periodTypeSchema,
  REGIONS,
  type Region,
  regionSchema,
} from './domain/ranking.ts';

/**
 * The one module that reads `process.env`. Everything else takes a `Config` (or a part of it),
 * so tests and commands pass values explicitly.
 */

/** What the scheduler and a bare `backfill` cover: the dimensions of the plan. */
export interface Selection {
  regions: Region[];
  /** `null` is `all` (no filter). */
  productCategoryIds: (number | null)[];
  creatorCategoryIds: (number | null)[];
  orderFields: OrderField[];
  periodTypes: PeriodType[];
}

export interface Config {
  /** Unset: the embedded Postgres under `.fastmoss-etl/`. */
  databaseUrl: string | undefined;
  baseUrl: string;
  /** Required for any API call; checked by `requireToken` where one is about to be made. */
  token: string | undefined;
  /** The `pagesize` asked (FASTMOSS_PAGE_SIZE); a smaller cap the API enforces is learnt. */
  pageSize: number;
  concurrency: number;
  rps: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Archived raw pages older than this many days are deleted after each run; unset: kept forever. */
  rawRetentionDays: number | undefined;
  /** How long a claimed job stays reserved without a heartbeat before other workers may take it. */
  leaseSeconds: number;
  lookbackDays: number;
  crons: { daily: string; weekly: string; monthly: string };
  metricsPort: number | undefined;
  logLevel: LogLevel;
  selection: Selection;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_BASE_URL = 'https://openapi.fastmoss.com';

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** `US,GB` or `all`. */
export function parseRegions(raw: string, source: string): Region[] {
  const parts = list(raw).map((part) => part.toUpperCase());
  if (parts.length === 0)
    throw new ConfigError(`${source} is empty; give regions like US,GB or all`);
  if (parts.includes('ALL')) return [...REGIONS];
  for (const part of parts) {
    if (!regionSchema.safeParse(part).success) {
      throw new ConfigError(
        `${source}: unknown region '${part}'; expected all or ${REGIONS.join(',')}`,
      );
    }
  }
  return unique(parts as Region[]);
}

/** `all,14`: `all` becomes null (no filter). */
export function parseCategoryIds(raw: string, source: string): (number | null)[] {
  const parts = list(raw);
  if (parts.length === 0) throw new ConfigError(`${source} is empty; give ids like all,14`);
  return unique(
    parts.map((part) => {
      if (part.toLowerCase() === 'all') return null;
      if (!/^\d{1,9}$/.test(part) || Number(part) < 1) {
        throw new ConfigError(
          `${source}: '${part}' is not a category id; expected all or positive integers`,
        );
      }
      return Number(part);
    }),
  );
}

function parseEnumList<T extends string>(
  raw: string,
  source: string,
  allowed: readonly T[],
  schema: z.ZodType<T>,
): T[] {
  const parts = list(raw).map((part) => part.toLowerCase());
  if (parts.length === 0)
    throw new ConfigError(`${source} is empty; expected ${allowed.join(',')}`);
  return unique(
    parts.map((part) => {
      const parsed = schema.safeParse(part);
      if (!parsed.success) {
        throw new ConfigError(`${source}: unknown value '${part}'; expected ${allowed.join(',')}`);
      }
      return parsed.data;
    }),
  );
}

export function parseOrderFields(raw: string, source: string): OrderField[] {
  return parseEnumList(raw, source, ORDER_FIELDS, orderFieldSchema);
}

export function parsePeriodTypes(raw: string, source: string): PeriodType[] {
  return parseEnumList(raw, source, PERIOD_TYPES, periodTypeSchema);
}

function integerIn(
  source: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
) {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${source} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

function positiveNumber(source: string, raw: string | undefined, fallback: number) {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${source} must be a positive number, got '${raw}'`);
  }
  return value;
}

const urlSchema = z.url({ protocol: /^https?$/ });

function httpUrl(source: string, raw: string | undefined, fallback: string): string {
  const value = raw === undefined || raw.trim() === '' ? fallback : raw.trim();
  if (!urlSchema.safeParse(value).success) {
    throw new ConfigError(`${source} must be an http(s) URL, got '${value}'`);
  }
  return value.replace(/\/+$/, '');
}

function databaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(raw.trim())) {
    // Not echoed: a connection string can carry a password.
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return raw.trim();
}

type Env = Record<string, string | undefined>;

/** Reads and checks the whole environment once; throws ConfigError with a one-line reason. */
export function loadConfig(env: Env = process.env): Config {
  const token = env.FASTMOSS_TOKEN?.trim();
  return {
    databaseUrl: databaseUrl(env.DATABASE_URL),
    baseUrl: httpUrl('FASTMOSS_BASE_URL', env.FASTMOSS_BASE_URL, DEFAULT_BASE_URL),
    token: token === '' ? undefined : token,
    pageSize: integerIn(
      'FASTMOSS_PAGE_SIZE',
      env.FASTMOSS_PAGE_SIZE,
      MAX_PAGE_SIZE,
      1,
      MAX_PAGE_SIZE,
    ),
    concurrency: integerIn('ETL_CONCURRENCY', env.ETL_CONCURRENCY, 4, 1, 256),
    rps: positiveNumber('ETL_RPS', env.ETL_RPS, 5),
    maxAttempts: integerIn('ETL_MAX_ATTEMPTS', env.ETL_MAX_ATTEMPTS, 5, 1, 100),
    requestTimeoutMs: integerIn(
      'ETL_REQUEST_TIMEOUT_MS',
      env.ETL_REQUEST_TIMEOUT_MS,
      30_000,
      100,
      600_000,
    ),
    rawRetentionDays:
      env.RAW_RETENTION_DAYS === undefined || env.RAW_RETENTION_DAYS.trim() === ''
        ? undefined
        : integerIn('RAW_RETENTION_DAYS', env.RAW_RETENTION_DAYS, 0, 1, 36_500),
    leaseSeconds: integerIn('ETL_LEASE_SECONDS', env.ETL_LEASE_SECONDS, 300, 5, 86_400),
    lookbackDays: integerIn('LOOKBACK_DAYS', env.LOOKBACK_DAYS, 3, 0, 60),
    crons: {
      daily: env.SCHEDULE_DAILY?.trim() || '30 2 * * *',
      weekly: env.SCHEDULE_WEEKLY?.trim() || '0 3 * * 1',
      monthly: env.SCHEDULE_MONTHLY?.trim() || '30 3 2 * *',
    },
    metricsPort:
      env.METRICS_PORT === undefined || env.METRICS_PORT.trim() === ''
        ? undefined
        : integerIn('METRICS_PORT', env.METRICS_PORT, 0, 0, 65_535),
    logLevel:
      parseEnumList(
        env.LOG_LEVEL?.trim() || 'info',
        'LOG_LEVEL',
        LOG_LEVELS,
        z.enum(LOG_LEVELS),
      )[0] ?? 'info',
    selection: {
      regions: parseRegions(env.REGIONS ?? 'all', 'REGIONS'),
      productCategoryIds: parseCategoryIds(
        env.PRODUCT_CATEGORY_IDS ?? 'all',
        'PRODUCT_CATEGORY_IDS',
      ),
      creatorCategoryIds: parseCategoryIds(
        env.CREATOR_CATEGORY_IDS ?? 'all',
        'CREATOR_CATEGORY_IDS',
      ),
      orderFields: parseOrderFields(env.ORDER_FIELDS ?? ORDER_FIELDS.join(','), 'ORDER_FIELDS'),
      periodTypes: parsePeriodTypes(env.PERIODS ?? PERIOD_TYPES.join(','), 'PERIODS'),
    },
  };
}

/** The token, or a ConfigError saying how to give one. The value itself is never printed. */
export function requireToken(config: Config): string {
  if (config.token === undefined) {
    throw new ConfigError(
      'FASTMOSS_TOKEN is not set; export your FastMoss API token to fetch rankings',
    );
  }
  return config.token;
}
