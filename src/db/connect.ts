import pg from 'pg';

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

/*
 * Exact values stay text on their way out of Postgres: a 19-digit uid or a money amount parsed
 * into a double loses digits, and a date parsed into a JS Date shifts with the local time zone.
 * Set per pool, so another module's global pg.types.setTypeParser cannot change our results.
 */
const exactTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID || oid === DATE_OID) {
      return (value: string) => value;
    }
    return format === 'binary'
      ? pg.types.getTypeParser(oid, 'binary')
      : pg.types.getTypeParser(oid);
  },
} satisfies pg.CustomTypesConfig;

/** A lost connection's 'error' event: handled by the failure of the client's next statement. */
function ignoreLostConnection(): void {}

export interface PoolOptions {
  /** Most connections the pool opens. Default 10. */
  max?: number;
}

/** A pg pool on `url` that returns int8, numeric and date columns as strings, never JS numbers. */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'fastmoss-etl',
    max: options.max ?? 10,
    types: exactTypes,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process: the
  // pool discards it, and the next query opens a new one or fails with its own error.
  pool.on('error', () => {});
  // The pool listens to its clients only while they are idle in it. A client checked out
  // (pool.connect()) and waiting between two statements, when its backend is terminated
  // (57P01, a restart), emits 'error' too, which crashes the process when nobody listens: every
  // caller that forgets to listen is covered here. The lost connection is not hidden: the
  // client stops being queryable, its next statement fails (a connection-lost error, see
  // connection-retry.ts), and the pool drops it when it is released.
  pool.on('connect', (client) => {
    client.on('error', ignoreLostConnection);
  });
  return pool;
}
