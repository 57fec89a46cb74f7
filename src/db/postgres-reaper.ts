import { spawn } from 'node:child_process';

/*
 * A detached watcher beside each embedded cluster. The cluster runs in a process group of its
 * own (so a Ctrl-C or a signal to the group reaches the CLI, which still needs the database to
 * give jobs back, and not Postgres); the price is that nothing stops it when its owner dies
 * without stopping it (SIGKILL, a crash, a test run interrupted). This watcher does: once the
 * owner is gone it stops Postgres (fast shutdown) and removes the throwaway directory, if any.
 * It leaves on its own once the owner has stopped the cluster (and removed the directory).
 * Started right after Postgres is spawned, not once it accepts connections: an owner killed
 * during the start-up (seconds on a loaded machine) would otherwise leave a cluster no one stops.
 * Plain JavaScript run by `node -e`, so it works from src/ and lib/ alike.
 */
const REAPER = `// fastmoss-etl: stops an embedded Postgres whose owner died
process.title = 'fastmoss-etl postgres reaper';
const { existsSync, readFileSync, rmSync } = require('node:fs');
const [owner, postmaster, dataDir, removeDir] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
// Ours while it lives and its postmaster.pid names it. Until the file has named it once (the
// reaper starts right after the spawn, while Postgres is starting: no file yet, a half-written
// one, or a crashed run's stale one), while it lives.
let named = false;
const running = () => {
  if (!alive(postmaster)) return false;
  let first = '';
  try { first = readFileSync(dataDir + '/postmaster.pid', 'utf8').split('\\n')[0]; } catch {}
  if (first === postmaster) named = true;
  return first === postmaster || !named;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function stop() {
  for (const [signal, waitMs] of [['SIGINT', 20000], ['SIGQUIT', 5000], ['SIGKILL', 5000]]) {
    if (!running()) return;
    try { process.kill(Number(postmaster), signal); } catch {}
    for (let waited = 0; waited < waitMs && running(); waited += 100) await sleep(100);
  }
}
(async () => {
  for (;;) {
    if (!alive(owner)) break;
    if (!running() && !(removeDir && existsSync(removeDir))) process.exit(0);
    await sleep(250);
  }
  await stop();
  if (removeDir) rmSync(removeDir, { recursive: true, force: true });
})();
`;

export interface ReaperOptions {
  /** Postgres's postmaster pid and data directory, checked against its postmaster.pid. */
  postmasterPid: number;
  dataDir: string;
  /** Removed once the owner is gone (a throwaway cluster's whole directory). */
  removeDir?: string;
}

/** Starts the watcher for a cluster this process owns; it outlives this process by design. */
export function startReaper(options: ReaperOptions): void {
  const args = [String(process.pid), String(options.postmasterPid), options.dataDir];
  if (options.removeDir) args.push(options.removeDir);
  const reaper = spawn(process.execPath, ['-e', REAPER, ...args], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
}
