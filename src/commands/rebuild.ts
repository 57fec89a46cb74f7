import { z } from 'zod';
import type { Config } from '../config.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { ConfigError } from '../domain/errors.ts';
import { rebuildFromArchive } from '../pipeline/rebuild.ts';
import { parseIsoDate } from '../plan/periods.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { createCommandLogger } from './runtime.ts';

const rebuildFlagsSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  json: z.boolean().default(false),
});
export type RebuildFlags = z.input<typeof rebuildFlagsSchema>;

function isoDate(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !parseIsoDate(value)) {
    throw new ConfigError(`${flag} must be a date like 2026-04-01, got '${value}'`);
  }
  return value;
}

/** `rebuild`: the normalized tables from the raw archive, with no API call. */
export async function rebuild(flags: RebuildFlags, config: Config): Promise<ExitCode> {
  const parsed = rebuildFlagsSchema.parse(flags);
  const from = isoDate('--from', parsed.from);
  const to = isoDate('--to', parsed.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ConfigError(`--from ${from} is after --to ${to}`);
  }
  const logger = createCommandLogger(config);
  const db = await openDatabase(config.databaseUrl, {
    announce: (message) => logger.info(message),
  });
  try {
    await migrateDatabase(db.pool);
    const summary = await rebuildFromArchive(db.pool, { from, to });
    if (parsed.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const lines = [
        `rebuilt ${summary.rebuilt} of ${summary.rankings} archived rankings from ${summary.pages} pages ` +
          `in ${(summary.durationMs / 1000).toFixed(1)}s, 0 API calls; ${summary.failed} failed`,
        ...summary.failures.map((failure) => `  failed ${failure.ranking}: ${failure.reason}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return summary.failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await db.close();
  }
}
