import { EtlError } from '../domain/errors.ts';

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
