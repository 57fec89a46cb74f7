import type pg from 'pg';
import { isConnectionLost, retryOnConnectionLoss } from './connection-retry.ts';
import { DatabaseConnectionError } from './errors.ts';

/** A few seconds: a server restarting is waited for, a wrong port is reported soon. */
const PROBE_RETRY_DELAYS_MS = [250, 500, 1000, 2000];

/** A database URL fit to print: the password, if any, left out. */
export function databaseLabel(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}

interface Cause {
  text: string;
  /** DATABASE_URL must change; retrying will not help. */
  configuration: boolean;
}

function codeOf(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The cause of a failed connect, in words a person can act on. */
function causeOf(error: unknown, url: string): Cause {
  if (!(error instanceof Error)) return { text: String(error), configuration: false };
  const code = codeOf(error);
  let host = '?';
  try {
    host = new URL(url).hostname;
  } catch {
    // Already reported by the label.
  }
  switch (code) {
    case 'ECONNREFUSED':
      return {
        text: 'connection refused (is Postgres running and listening on that host and port?)',
        configuration: false,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { text: `unknown host "${host}"`, configuration: true };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { text: `host "${host}" unreachable (${code})`, configuration: false };
    // invalid_password, invalid_authorization_specification (no such role, no pg_hba entry).
    case '28P01':
    case '28000':
      return {
        text: `${error.message} (check the user and password in DATABASE_URL)`,
        configuration: true,
      };
    case '3D000':
      return { text: `${error.message} (create it, or fix DATABASE_URL)`, configuration: true };
    default:
      break;
  }
  // pg's own words when the server wants a password and the URL has none.
  if (/password must be a string|no password/i.test(error.message)) {
    return {
      text: 'the server asks for a password and DATABASE_URL has none',
      configuration: true,
    };
  }
  return { text: error.message, configuration: false };
}

/**
 * Opens one connection from `pool` and lets it go, so a command that cannot reach its database
 * says so in one line (DatabaseConnectionError) before any work. A refused connection or a server
 * starting up is tried again for a few seconds, as every ledger statement is (a restart).
 */
export async function checkConnection(pool: pg.Pool, url: string): Promise<void> {
  try {
    await retryOnConnectionLoss(async () => {
      const client = await pool.connect();
      client.release();
    }, PROBE_RETRY_DELAYS_MS);
  } catch (error) {
    const cause = causeOf(error, url);
    throw new DatabaseConnectionError(
      `cannot connect to the database ${databaseLabel(url)}: ${cause.text}`,
      { configuration: cause.configuration && !isConnectionLost(error), cause: error },
    );
  }
}
