import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The version in package.json, which sits two levels above this file in src/ and in lib/. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return z.object({ version: z.string().min(1) }).parse(JSON.parse(text)).version;
}
