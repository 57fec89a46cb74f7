import { z } from 'zod';
import type { Config } from '../config.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { formatDuration } from '../observe/duration.ts';
import { rebuildFromArchive } from '../pipeline/rebuild.ts';
import { checkDateOrder, dateFlag } from './date-flags.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { createCommandLogger } from './runtime.ts';

const rebuildFlagsSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  json: z.boolean().default(false),
});
export type RebuildFlags = z.input<typeof rebuildFlagsSchema>;

/** `rebuild`: the normalized tables from the raw archive, with no API call. */
export async function rebuild(flags: RebuildFlags, config: Config): Promise<ExitCode> {
  const parsed = rebuildFlagsSchema.parse(flags);
  const from = parsed.from === undefined ? undefined : dateFlag('--from', parsed.from);
  const to = parsed.to === undefined ? undefined : dateFlag('--to', parsed.to);
  if (from !== undefined && to !== undefined) checkDateOrder(from, to);
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
          `in ${formatDuration(summary.durationMs / 1000)}, 0 API calls; ${summary.failed} failed`,
        ...summary.failures.map((failure) => `  failed ${failure.ranking}: ${failure.reason}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return summary.failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await db.close();
  }
}
