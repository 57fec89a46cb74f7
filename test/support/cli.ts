import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/fastmoss-etl.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for a CLI subprocess: only what is given, plus PATH and HOME. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
}

/**
 * What a test's run needs to reach its database and API: DATABASE_URL, FASTMOSS_BASE_URL and
 * FASTMOSS_TOKEN, at a pace the simulator serves quickly (ETL_RPS 200, ETL_CONCURRENCY 8) unless
 * `extra` sets it, plus `extra`.
 */
export function runEnv(
  databaseUrl: string,
  baseUrl: string,
  token: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    FASTMOSS_BASE_URL: baseUrl,
    FASTMOSS_TOKEN: token,
    ETL_RPS: '200',
    ETL_CONCURRENCY: '8',
    ...extra,
  };
}

/**
 * Collects a subprocess's output and resolves when every holder of its pipes has closed them
 * (the process, and any orphan it left holding them).
 */
export function collectOutput(child: ChildProcess): {
  done: Promise<CliResult>;
  output(): string;
} {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { done, output: () => stdout + stderr };
}

/** Starts `fastmoss-etl ...args` as a real subprocess. */
export function startCli(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, done: collectOutput(child).done };
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).done;
}
