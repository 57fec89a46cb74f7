import type { Config } from '../config.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { createCommandLogger } from './runtime.ts';

export async function migrate(config: Config): Promise<ExitCode> {
  const logger = createCommandLogger(config);
  const db = await openDatabase(config.databaseUrl, {
    announce: (message) => logger.info(message),
  });
  try {
    await migrateDatabase(db.pool);
    process.stdout.write('migrations applied; schema fastmoss is up to date\n');
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
