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

const rate = z.coerce.number().min(0).max(1).optional();
const latencyRange = z
  .string()
  .regex(/^\d+,\d+$/, 'give min,max in milliseconds, e.g. 20,80')
  .transform((text) => text.split(',').map(Number) as [number, number])
  .refine(([min, max]) => min <= max, 'min must not exceed max')
  .optional();

const flagsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(SIMULATOR_DEFAULT_PORT),
  host: z.string().min(1).default('127.0.0.1'),
  token: z.string().min(1).optional(),
  auth: z.enum(['bearer', 'signed'], { error: 'expected bearer or signed' }).default('bearer'),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  tokenTtl: z.coerce.number().int().min(1).max(31_536_000).optional(),
  refresh: z.boolean().default(true),
  rps: z.coerce.number().positive().optional(),
  latencyMs: latencyRange,
  seed: z.coerce.number().int().optional(),
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
  envelope: z.enum(['msg', 'message'], { error: 'give msg or message' }).default('msg'),
  retryAfter: z.coerce.number().int().min(0).optional(),
  stallMs: z.coerce.number().int().min(0).optional(),
  pageSizeCap: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
});

const FLAG_NAMES: Record<string, string> = {
  rate429: 'rate-429',
  rate5xx: 'rate-5xx',
  rateHtml: 'rate-html',
  rateStall: 'rate-stall',
  rateTruncated: 'rate-truncated',
  rateReset: 'rate-reset',
  rateEnvelope: 'rate-envelope',
  rateQuota: 'rate-quota',
  rate10001: 'rate-10001',
  rate20001: 'rate-20001',
  rate30001: 'rate-30001',
  rate30002: 'rate-30002',
  rate30003: 'rate-30003',
  rate40001: 'rate-40001',
  retryAfter: 'retry-after',
  stallMs: 'stall-ms',
  latencyMs: 'latency-ms',
  pageSizeCap: 'page-size-cap',
  clientId: 'client-id',
  clientSecret: 'client-secret',
  tokenTtl: 'token-ttl',
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
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    throw new ConfigError(`--${FLAG_NAMES[field] ?? field}: ${issue?.message ?? 'invalid value'}`);
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
