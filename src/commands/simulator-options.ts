import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { MAX_PAGE_SIZE } from '../domain/ranking.ts';
import type { FaultOptions, SimulatorOptions } from '../simulator/server.ts';

/** The simulator's own default token; not a FastMoss secret, so it may be printed. */
export const SIMULATOR_DEFAULT_TOKEN = 'sim-token';
export const SIMULATOR_DEFAULT_PORT = 8787;

/** `simulator` flags as commander hands them over: strings, or undefined when left out. */
export interface SimulatorFlags {
  port?: string;
  host?: string;
  token?: string;
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
};

export interface ResolvedSimulatorOptions {
  server: SimulatorOptions & { port: number; host: string; token: string };
  /** Where the token came from, so a token taken from FASTMOSS_TOKEN is never printed. */
  tokenSource: 'flag' | 'FASTMOSS_TOKEN' | 'default';
}

/** Flags -> simulator options; a ConfigError names the first bad flag. */
export function resolveSimulatorOptions(
  flags: SimulatorFlags,
  environmentToken: string | undefined,
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
  const tokenSource =
    options.token !== undefined
      ? 'flag'
      : environmentToken !== undefined
        ? 'FASTMOSS_TOKEN'
        : 'default';
  return {
    server: {
      port: options.port,
      host: options.host,
      token: options.token ?? environmentToken ?? SIMULATOR_DEFAULT_TOKEN,
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
