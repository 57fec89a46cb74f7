import { ConfigError, EtlError } from '../domain/errors.ts';

/** A ranking could not be written; the transaction was rolled back and the previous version stays. */
export class RankingLoadError extends EtlError {
  readonly code = 'ETL_LOAD';
}

/** Migrations could not be applied; the schema is left as it was before the failing migration. */
export class MigrationError extends EtlError {
  readonly code = 'ETL_MIGRATE';
}

/** The embedded Postgres could not be initialised or started. */
export class EmbeddedPostgresError extends EtlError {
  readonly code = 'ETL_EMBEDDED_POSTGRES';
}

/**
 * The database cannot be reached or refuses us: refused, unknown host, wrong password, missing
 * database. The message names the database (its URL without the password) and the cause.
 * `configuration` is set when DATABASE_URL itself must change (exit 2), not when the server may
 * simply be down (exit 1).
 */
export class DatabaseConnectionError extends EtlError {
  readonly code = 'ETL_DATABASE_CONNECT';
  readonly configuration: boolean;

  constructor(message: string, options: { configuration: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.configuration = options.configuration;
  }
}

/** The database is not migrated, or older than this version: `status` reads, never migrates. */
export class SchemaNotReadyError extends EtlError {
  readonly code = 'ETL_SCHEMA_NOT_READY';
}

/**
 * The embedded Postgres cannot work on this machine as configured (root without a usable
 * `postgres` user, a data directory that user cannot enter): exit 2, naming what to change.
 */
export class EmbeddedPostgresUnavailableError extends ConfigError {}
