import { createRequire } from 'node:module';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import type { prettyFactory as PrettyFactory } from 'pino-pretty';
import { stderrTerminal } from './terminal.ts';

export type { Logger } from 'pino';

/**
 * pino-pretty (~40 modules) is loaded only by a logger that prints for a person: a run under cron
 * or a supervisor writes JSON lines and never needs it. It is CommonJS, so a plain require.
 */
function prettyFactory(
  ...args: Parameters<typeof PrettyFactory>
): ReturnType<typeof PrettyFactory> {
  const { prettyFactory: factory } = createRequire(import.meta.url)('pino-pretty') as {
    prettyFactory: typeof PrettyFactory;
  };
  return factory(...args);
}

export const REDACTED = '[REDACTED]';

/** Fields that hold credentials wherever a caller logs them, whatever their value. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Human-readable lines instead of JSON; defaults to whether stderr is a terminal. */
  pretty?: boolean;
  /**
   * Values never to print, such as the FastMoss token: replaced wherever they appear. A function
   * is called for every line, so values learnt later (a renewed access token) are covered too.
   */
  secrets?: readonly string[] | (() => readonly string[]);
  /**
   * Where lines go; stderr unless given (stdout is kept for command output such as --json). On
   * stderr, lines are printed above the progress bar, never into it.
   */
  destination?: DestinationStream;
}

/**
 * Replaces every occurrence of each secret in `text`, also in its JSON-escaped form, so a secret
 * inside a serialised message, object or error stack is caught too.
 */
export function censorSecrets(text: string, secrets: readonly string[]): string {
  const forms = secrets
    .filter((secret) => secret.length > 0)
    .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)])
    // Longest first, so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  let censored = text;
  for (const form of forms) censored = censored.replaceAll(form, REDACTED);
  return censored;
}

/**
 * The process logger. Every finished line passes through `censorSecrets` before it is written,
 * which covers what path-based redaction cannot see: a token inside a message, an error's
 * message or stack, or a field under any other name.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const given = options.secrets ?? [];
  const secrets = typeof given === 'function' ? given : () => given;
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  const sink: DestinationStream = options.destination ?? {
    write: (line: string) => stderrTerminal().print(line),
  };
  const prettify = pretty
    ? prettyFactory({
        colorize: options.destination === undefined && process.stderr.isTTY === true,
        translateTime: 'UTC:yyyy-mm-dd HH:MM:ss',
        ignore: 'pid,hostname',
        // One event, one line: a person scans a terminal line by line (errors keep their stack).
        singleLine: true,
      })
    : undefined;
  const censoring: DestinationStream = {
    write(line: string) {
      const censored = censorSecrets(line, secrets());
      sink.write(prettify ? prettify(censored) : censored);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    censoring,
  );
}
