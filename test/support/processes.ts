import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CliResult, cliEnv, collectOutput } from './cli.ts';

/** The repository root: what `npx --prefix` runs the `fastmoss-etl` bin of. */
export const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

export interface StartedProcess {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Everything printed so far, stdout and stderr together. */
  output(): string;
}

/**
 * `npx fastmoss-etl ...args`, as the README starts it, from `cwd` (where the embedded default
 * keeps `.fastmoss-etl/`). npx leads a process group of its own, so a signal to the group reaches
 * npx and the CLI (and whatever else they started in it) but never the test runner.
 */
const started = new Set<ChildProcess>();

/** Kills (SIGKILL) the process groups of every npx started here that is still running. */
export function killStartedGroups(): void {
  for (const child of started) {
    if (child.pid !== undefined && isAlive(child.pid)) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
    started.delete(child);
  }
}

export function startNpx(args: string[], env: Record<string, string>, cwd: string): StartedProcess {
  const child = spawn('npx', ['--prefix', REPOSITORY, 'fastmoss-etl', ...args], {
    cwd,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.add(child);
  return { child, ...collectOutput(child) };
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** The node process running the CLI under `ancestor` (npx, or a shell npx started). */
export function cliProcessUnder(ancestor: number): number | undefined {
  const queue = [ancestor];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const argv = commandLine(pid);
    const isNode = (argv[0] ?? '').endsWith('node');
    const isCli = argv.some((arg) => /fastmoss-etl(\.js)?$/.test(arg));
    if (pid !== ancestor && isNode && isCli) return pid;
    queue.push(...childrenOf(pid));
  }
  return undefined;
}

/** Whether `pid` runs (an exited orphan waiting to be reaped, a zombie, does not). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name: the state.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of Postgres servers running on `dataDir`. */
export function postgresServersOn(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const argv = commandLine(pid);
      return (argv[0] ?? '').endsWith('/postgres') && argv.includes(dataDir);
    });
}

/** Polls `condition` every 100 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
