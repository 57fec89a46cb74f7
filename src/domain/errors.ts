/**
 * Base of every error the pipeline raises on purpose. `code` is stable, so callers branch on it
 * (or on the class), never on message text. Messages say what a person can do about it.
 */
export abstract class EtlError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration or arguments: the CLI exits 2 before any work. */
export class ConfigError extends EtlError {
  readonly code = 'ETL_CONFIG';
}
