import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type CliResult, cliEnv } from './cli.ts';

const BIN = fileURLToPath(new URL('../../bin/fastmoss-etl.js', import.meta.url));
const CLEAR_LINE = '\r\x1b[2K';
// Colours, and the cursor-visibility toggles some libraries send.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what a terminal receives.
const STYLE = /\x1b\[[0-9;?]*[mlh]/g;

/**
 * What a terminal shows after `output`, one string per screen row (before any wrapping):
 * `\r\x1b[2K` clears the row the cursor is on, `\n` (or the pty's `\r\n`) starts the next one.
 */
export function screenRows(output: string): string[] {
  const rows = [''];
  const text = output.replace(STYLE, '').replaceAll('\r\n', '\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what a terminal receives.
  for (const part of text.split(/(\r\x1b\[2K|\n|\r)/)) {
    if (part === CLEAR_LINE || part === '\r') rows[rows.length - 1] = '';
    else if (part === '\n') rows.push('');
    else rows[rows.length - 1] += part;
  }
  return rows;
}

/** Whether `script` (util-linux) can give a subprocess a pseudo-terminal here. */
export async function ptyAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' });
    probe.on('error', () => resolve(false));
    probe.on('close', (code) => resolve(code === 0));
  });
}

/**
 * Runs `fastmoss-etl ...args` on a pseudo-terminal `columns` wide, as a person at a terminal
 * would; stdout and stderr arrive mixed, as on their screen.
 */
export function runCliOnTerminal(
  args: string[],
  env: Record<string, string>,
  columns = 120,
): Promise<CliResult> {
  const quoted = [process.execPath, BIN, ...args].map(
    (word) => `'${word.replaceAll("'", "'\\''")}'`,
  );
  const command = `stty cols ${columns} rows 50; exec ${quoted.join(' ')}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
