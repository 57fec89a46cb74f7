import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const COMMANDS = [
  'migrate',
  'backfill',
  'run',
  'schedule',
  'status',
  'demo',
  'rebuild',
  'replay',
  'simulator',
  'grant-reader',
];

describe('--help', () => {
  it('writes every default as "(default: ...)" and an environment variable as "env NAME"', async () => {
    const helps = await Promise.all(
      [[], ...COMMANDS.map((command) => [command])].map((args) => runCli([...args, '--help'], {})),
    );
    for (const help of helps) {
      expect(help.code).toBe(0);
      const text = help.stdout.replace(/\s+/g, ' ');
      // Not "(default 8787)", nor commander's own quoted `(default: "10")`.
      expect(text).not.toMatch(/\(default [^:]/);
      expect(text).not.toMatch(/default: "/);
      // A variable named bare after "default:" reads like a literal value.
      expect(text).not.toMatch(/default: [A-Z][A-Z0-9]*_[A-Z0-9_]+/);
    }
    const backfill = (helps[COMMANDS.indexOf('backfill') + 1]?.stdout ?? '').replace(/\s+/g, ' ');
    expect(backfill).toContain('(default: env REGIONS, else all)');
    expect(backfill).toContain('2021-04-01 or later');
  }, 120_000);
});
