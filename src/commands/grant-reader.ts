import type { Config } from '../config.ts';
import { grantReader, InvalidRoleNameError, RoleNotFoundError } from '../db/grant-reader.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { ConfigError } from '../domain/errors.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { createCommandLogger } from './runtime.ts';

/** `grant-reader ROLE`: lets an existing role (a BI tool's login) read schema fastmoss, nothing more. */
export async function grantReaderCommand(config: Config, role: string): Promise<ExitCode> {
  const logger = createCommandLogger(config);
  const db = await openDatabase(config.databaseUrl, {
    announce: (message) => logger.info(message),
  });
  try {
    // Migrate first, so every table and view exists when the grant is given.
    await migrateDatabase(db.pool);
    const granted = await grantReader(db.pool, role).catch((error: unknown) => {
      // A role that is not there or not a name is a bad argument: exit 2, like any other.
      if (error instanceof InvalidRoleNameError || error instanceof RoleNotFoundError) {
        throw new ConfigError(error.message, { cause: error });
      }
      throw error;
    });
    process.stdout.write(
      `role "${granted.role}" can read schema fastmoss: ${granted.relations} tables and views now, and those to come\n`,
    );
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
