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

/**
 * How API calls authenticate: bearer (`FASTMOSS_TOKEN`) or signed (`FASTMOSS_CLIENT_ID` +
 * `FASTMOSS_CLIENT_SECRET`, signature version 2). None of the values is ever printed.
 */
export type FastmossCredentials =
  | { mode: 'bearer'; token: string }
  | { mode: 'signed'; clientId: string; clientSecret: string };

export interface Config {
  /** Unset: the embedded Postgres under `.fastmoss-etl/`. */
  databaseUrl: string | undefined;
  baseUrl: string;
  /** Required for any API call; checked by `requireCredentials` where one is about to be made. */
  credentials: FastmossCredentials | undefined;
  /** The `pagesize` asked (FASTMOSS_PAGE_SIZE); a smaller cap the API enforces is learnt. */
  pageSize: number;
  /** Most API calls per UTC day, every process on the database together; unset: no cap. */
  maxCallsPerDay: number | undefined;
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

function setting(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** One mode or none; a mix of the two, or half of the signed pair, is a ConfigError. */
function credentials(env: Env): FastmossCredentials | undefined {
  const token = setting(env.FASTMOSS_TOKEN);
  const clientId = setting(env.FASTMOSS_CLIENT_ID);
  const clientSecret = setting(env.FASTMOSS_CLIENT_SECRET);
  if (token !== undefined && (clientId !== undefined || clientSecret !== undefined)) {
    throw new ConfigError(
      'FASTMOSS_TOKEN (bearer mode) and FASTMOSS_CLIENT_ID / FASTMOSS_CLIENT_SECRET (signed mode) are both set; unset one mode',
    );
  }
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    const missing = clientId === undefined ? 'FASTMOSS_CLIENT_ID' : 'FASTMOSS_CLIENT_SECRET';
    throw new ConfigError(
      `signed mode needs both FASTMOSS_CLIENT_ID and FASTMOSS_CLIENT_SECRET; ${missing} is not set`,
    );
  }
  for (const [name, value] of [
    ['FASTMOSS_TOKEN', token],
    ['FASTMOSS_CLIENT_ID', clientId],
    ['FASTMOSS_CLIENT_SECRET', clientSecret],
  ] as const) {
    // Not echoed: the value is a credential.
    if (value !== undefined && /[\s\p{Cc}]/u.test(value)) {
      throw new ConfigError(`${name} contains whitespace or control characters`);
    }
  }
  if (token !== undefined) return { mode: 'bearer', token };
  if (clientId !== undefined && clientSecret !== undefined) {
    return { mode: 'signed', clientId, clientSecret };
  }
  return undefined;
}

/** Reads and checks the whole environment once; throws ConfigError with a one-line reason. */
export function loadConfig(env: Env = process.env): Config {
  return {
    databaseUrl: databaseUrl(env.DATABASE_URL),
    baseUrl: httpUrl('FASTMOSS_BASE_URL', env.FASTMOSS_BASE_URL, DEFAULT_BASE_URL),
    credentials: credentials(env),
    pageSize: integerIn(
      'FASTMOSS_PAGE_SIZE',
      env.FASTMOSS_PAGE_SIZE,
      MAX_PAGE_SIZE,
      1,
      MAX_PAGE_SIZE,
    ),
    maxCallsPerDay:
      env.ETL_MAX_CALLS_PER_DAY === undefined || env.ETL_MAX_CALLS_PER_DAY.trim() === ''
        ? undefined
        : integerIn('ETL_MAX_CALLS_PER_DAY', env.ETL_MAX_CALLS_PER_DAY, 0, 1, 1_000_000_000),
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

/** The credentials, or a ConfigError saying how to give them. No value is ever printed. */
export function requireCredentials(config: Config): FastmossCredentials {
  if (config.credentials === undefined) {
    throw new ConfigError(
      'FASTMOSS_TOKEN is not set; export your FastMoss API token (or FASTMOSS_CLIENT_ID and FASTMOSS_CLIENT_SECRET for signed mode) to fetch rankings',
    );
  }
  return config.credentials;
}

/** The values to cut out of every log line: the token or the client secret. */
export function credentialSecrets(config: Config): string[] {
  const given = config.credentials;
  if (given === undefined) return [];
  return given.mode === 'bearer' ? [given.token] : [given.clientSecret];
}
