import { z } from 'zod';
import type { FastmossCredentials } from '../config.ts';
import { ConfigError } from '../domain/errors.ts';
import { MAX_PAGE_SIZE } from '../domain/ranking.ts';
import type { FaultOptions, SimulatorOptions } from '../simulator/server.ts';

/** The simulator's own default token; not a FastMoss secret, so it may be printed. */
export const SIMULATOR_DEFAULT_TOKEN = 'sim-token';
export const SIMULATOR_DEFAULT_PORT = 8787;
/** Signed mode's defaults, likewise the simulator's own. */
export const SIMULATOR_DEFAULT_CLIENT_ID = 'sim-client';
export const SIMULATOR_DEFAULT_CLIENT_SECRET = 'sim-secret';

/** `simulator` flags as commander hands them over: strings, or undefined when left out. */
export interface SimulatorFlags {
  port?: string;
  host?: string;
  token?: string;
  auth?: string;
  clientId?: string;
  clientSecret?: string;
  tokenTtl?: string;
  /** Commander's `--no-refresh`: false when given. */
  refresh?: boolean;
  rps?: string;
  latencyMs?: string;
  seed?: string;
  rate429?: string;
  rate5xx?: string;
  rateHtml?: string;
  rateStall?: string;
  rateTruncated?: string;
  rateReset?: string;
  rateEnvelope?: string;
  rateQuota?: string;
  rate10001?: string;
  rate20001?: string;
  rate30001?: string;
  rate30002?: string;
  rate30003?: string;
  rate40001?: string;
  envelope?: string;
  retryAfter?: string;
  stallMs?: string;
  pageSizeCap?: string;
}

/** A decimal as typed: no hex, no exponent, no `Infinity`, no empty string read as 0. */
const decimal = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d+)?$/)
  .transform(Number);
const integer = z
  .string()
  .trim()
  .regex(/^-?\d+$/)
  .transform(Number);

const rate = decimal.pipe(z.number().min(0).max(1)).optional();
const latencyRange = z
  .string()
  .regex(/^\d+,\d+$/)
  .transform((text) => text.split(',').map(Number) as [number, number])
  .refine(([min, max]) => min <= max)
  .optional();

const flagsSchema = z.object({
  port: integer.pipe(z.number().min(0).max(65_535)).default(SIMULATOR_DEFAULT_PORT),
  host: z.string().trim().min(1).default('127.0.0.1'),
  token: z.string().min(1).optional(),
  auth: z.enum(['bearer', 'signed']).default('bearer'),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  tokenTtl: integer.pipe(z.number().min(1).max(31_536_000)).optional(),
  refresh: z.boolean().default(true),
  rps: decimal.pipe(z.number().positive()).optional(),
  latencyMs: latencyRange,
  seed: integer.pipe(z.number().safe()).optional(),
  rate429: rate,
  rate5xx: rate,
  rateHtml: rate,
  rateStall: rate,
  rateTruncated: rate,
  rateReset: rate,
  rateEnvelope: rate,
  rateQuota: rate,
  rate10001: rate,
  rate20001: rate,
  rate30001: rate,
  rate30002: rate,
  rate30003: rate,
  rate40001: rate,
  envelope: z.enum(['msg', 'message']).default('msg'),
  retryAfter: integer.pipe(z.number().min(0).max(86_400)).optional(),
  stallMs: integer.pipe(z.number().min(0).max(3_600_000)).optional(),
  pageSizeCap: integer.pipe(z.number().min(1).max(MAX_PAGE_SIZE)).optional(),
});

type FlagField = keyof typeof flagsSchema.shape;

const RATE_RULE = 'a share from 0 to 1, e.g. 0.2';
const rateFlag = (flag: string) => ({ flag, rule: RATE_RULE });

/** Each flag's name and what it takes, as the one-line error says it (not zod's own text). */
const FLAG_RULES: Record<FlagField, { flag: string; rule: string }> = {
  port: { flag: 'port', rule: 'an integer from 0 to 65535 (0: any free port)' },
  host: { flag: 'host', rule: 'an address to listen on, e.g. 127.0.0.1' },
  token: { flag: 'token', rule: 'a non-empty token' },
  auth: { flag: 'auth', rule: 'bearer or signed' },
  clientId: { flag: 'client-id', rule: 'a non-empty client id' },
  clientSecret: { flag: 'client-secret', rule: 'a non-empty client secret' },
  tokenTtl: { flag: 'token-ttl', rule: 'whole seconds from 1 to 31536000' },
  refresh: { flag: 'no-refresh', rule: 'given without a value' },
  rps: { flag: 'rps', rule: 'a positive number of requests per second' },
  latencyMs: { flag: 'latency-ms', rule: 'min,max in milliseconds with min <= max, e.g. 20,80' },
  seed: { flag: 'seed', rule: 'an integer' },
  rate429: rateFlag('rate-429'),
  rate5xx: rateFlag('rate-5xx'),
  rateHtml: rateFlag('rate-html'),
  rateStall: rateFlag('rate-stall'),
  rateTruncated: rateFlag('rate-truncated'),
  rateReset: rateFlag('rate-reset'),
  rateEnvelope: rateFlag('rate-envelope'),
  rateQuota: rateFlag('rate-quota'),
  rate10001: rateFlag('rate-10001'),
  rate20001: rateFlag('rate-20001'),
  rate30001: rateFlag('rate-30001'),
  rate30002: rateFlag('rate-30002'),
  rate30003: rateFlag('rate-30003'),
  rate40001: rateFlag('rate-40001'),
  envelope: { flag: 'envelope', rule: 'msg or message' },
  retryAfter: { flag: 'retry-after', rule: 'whole seconds from 0 to 86400' },
  stallMs: { flag: 'stall-ms', rule: 'whole milliseconds from 0 to 3600000' },
  pageSizeCap: { flag: 'page-size-cap', rule: `an integer from 1 to ${MAX_PAGE_SIZE}` },
};

export interface ResolvedSimulatorOptions {
  server: SimulatorOptions & { port: number; host: string; token: string };
  /**
   * Where the credentials came from, so a value taken from the environment is never printed.
   * In signed mode: of the client secret.
   */
  tokenSource: 'flag' | 'FASTMOSS_TOKEN' | 'FASTMOSS_CLIENT_SECRET' | 'default';
}

/** Flags -> simulator options; a ConfigError names the first bad flag. */
export function resolveSimulatorOptions(
  flags: SimulatorFlags,
  environment: FastmossCredentials | undefined,
): ResolvedSimulatorOptions {
  const parsed = flagsSchema.safeParse(flags);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? '') as FlagField;
    const { flag, rule } = FLAG_RULES[field] ?? { flag: field, rule: 'a valid value' };
    // A credential is never echoed, even a malformed one.
    const secret = field === 'token' || field === 'clientSecret';
    const given = secret ? '' : `, got '${String(flags[field] ?? '')}'`;
    throw new ConfigError(`--${flag} must be ${rule}${given}`);
  }
  const options = parsed.data;
  const faults: FaultOptions = {
    rate429: options.rate429,
    rate5xx: options.rate5xx,
    rateHtml: options.rateHtml,
    rateStall: options.rateStall,
    rateTruncated: options.rateTruncated,
    rateReset: options.rateReset,
    rateErrorEnvelope: options.rateEnvelope,
    rateQuota: options.rateQuota,
    rate10001: options.rate10001,
    rate20001: options.rate20001,
    rate30001: options.rate30001,
    rate30002: options.rate30002,
    rate30003: options.rate30003,
    rate40001: options.rate40001,
    retryAfterSeconds: options.retryAfter,
    stallMs: options.stallMs,
  };
  const environmentToken = environment?.mode === 'bearer' ? environment.token : undefined;
  const environmentSigned = environment?.mode === 'signed' ? environment : undefined;
  const signed = options.auth === 'signed';
  if (!signed && (options.clientId ?? options.clientSecret ?? options.tokenTtl) !== undefined) {
    throw new ConfigError('--client-id, --client-secret and --token-ttl need --auth signed');
  }
  const tokenSource = signed
    ? options.clientSecret !== undefined
      ? 'flag'
      : environmentSigned !== undefined
        ? 'FASTMOSS_CLIENT_SECRET'
        : 'default'
    : options.token !== undefined
      ? 'flag'
      : environmentToken !== undefined
        ? 'FASTMOSS_TOKEN'
        : 'default';
  return {
    server: {
      port: options.port,
      host: options.host,
      token: options.token ?? environmentToken ?? SIMULATOR_DEFAULT_TOKEN,
      signed: signed
        ? {
            clientId:
              options.clientId ?? environmentSigned?.clientId ?? SIMULATOR_DEFAULT_CLIENT_ID,
            clientSecret:
              options.clientSecret ??
              environmentSigned?.clientSecret ??
              SIMULATOR_DEFAULT_CLIENT_SECRET,
            tokenTtlSeconds: options.tokenTtl,
            refresh: options.refresh,
          }
        : undefined,
      rps: options.rps,
      latencyMs: options.latencyMs,
      seed: options.seed,
      envelope: options.envelope,
      pageSizeCap: options.pageSizeCap,
      faults,
    },
    tokenSource,
  };
}
