import { describe, expect, it } from 'vitest';
import {
  resolveSimulatorOptions,
  type SimulatorFlags,
} from '../../src/commands/simulator-options.ts';

function reasonFor(flags: SimulatorFlags): string {
  try {
    resolveSimulatorOptions(flags, undefined);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return 'accepted';
}

describe('resolveSimulatorOptions', () => {
  it('says what each bad flag takes and what it got, in the CLI words, not the validator words', () => {
    expect(reasonFor({ rate5xx: '2' })).toBe(
      "--rate-5xx must be a share from 0 to 1, e.g. 0.2, got '2'",
    );
    expect(reasonFor({ port: '70000' })).toBe(
      "--port must be an integer from 0 to 65535 (0: any free port), got '70000'",
    );
    expect(reasonFor({ latencyMs: '80,20' })).toBe(
      "--latency-ms must be min,max in milliseconds with min <= max, e.g. 20,80, got '80,20'",
    );
    expect(reasonFor({ retryAfter: '-1' })).toMatch(/^--retry-after must be whole seconds/);
    expect(reasonFor({ stallMs: '1.5' })).toMatch(/^--stall-ms must be whole milliseconds/);
  });

  it('refuses numbers a person would not type as such: empty, hex, exponent, Infinity', () => {
    expect(reasonFor({ port: '' })).toMatch(/^--port must be/);
    expect(reasonFor({ seed: '0x10' })).toMatch(/^--seed must be an integer/);
    expect(reasonFor({ rps: 'Infinity' })).toMatch(/^--rps must be a positive number/);
    expect(reasonFor({ rate429: '1e-1' })).toMatch(/^--rate-429 must be a share/);
  });

  it('never echoes a token, even a rejected one', () => {
    expect(reasonFor({ token: '' })).toBe('--token must be a non-empty token');
  });

  it('reads good flags as numbers, with the defaults for the rest', () => {
    const { server, tokenSource } = resolveSimulatorOptions(
      { port: '0', rate5xx: '0.2', latencyMs: '20,80', seed: '7' },
      undefined,
    );
    expect(server).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      token: 'sim-token',
      latencyMs: [20, 80],
      seed: 7,
      faults: { rate5xx: 0.2 },
    });
    expect(tokenSource).toBe('default');
  });
});
