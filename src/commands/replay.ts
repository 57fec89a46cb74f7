import type { Config } from '../config.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { replayQuarantine } from '../pipeline/replay.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { createCommandLogger } from './runtime.ts';

/** `replay`: quarantined rankings re-validated from their stored pages, loaded if they pass. */
export async function replay(config: Config, flags: { json?: boolean }): Promise<ExitCode> {
  const logger = createCommandLogger(config);
  const db = await openDatabase(config.databaseUrl, {
    announce: (message) => logger.info(message),
  });
  try {
    await migrateDatabase(db.pool);
    const summary = await replayQuarantine(db.pool);
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const lines = [
        `replayed ${summary.quarantined} quarantined rankings, 0 API calls: ` +
          `${summary.loaded.length} loaded, ${summary.stillQuarantined.length} still quarantined`,
        ...summary.loaded.map((ranking) => `  loaded ${ranking}`),
        ...summary.stillQuarantined.map(
          (entry) => `  still quarantined ${entry.ranking}: ${entry.reason}`,
        ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return summary.stillQuarantined.length === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await db.close();
  }
}
