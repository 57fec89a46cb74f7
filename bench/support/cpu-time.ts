import { readFile } from 'node:fs/promises';
import { createPool } from '../../src/db/connect.ts';

/** Linux's USER_HZ: /proc reports CPU times in these ticks (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time of a process and of its children it has reaped, in ms, from /proc/<pid>/stat
 * (utime, stime, cutime, cstime). For the postmaster this covers every backend that has exited.
 */
export async function processTreeCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is parenthesised and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime is field 14 of the whole line, i.e. index 11 after pid, comm and state.
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The postmaster's pid when Postgres runs on this machine (a backend's parent), else undefined. */
export async function postmasterPid(databaseUrl: string): Promise<number | undefined> {
  const pool = createPool(databaseUrl, { max: 1 });
  try {
    const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
    const backend = rows[0]?.pid;
    if (backend === undefined) return undefined;
    const status = await readFile(`/proc/${backend}/status`, 'utf8').catch(() => '');
    const parent = /^PPid:\s+(\d+)/m.exec(status)?.[1];
    return parent === undefined ? undefined : Number(parent);
  } finally {
    await pool.end();
  }
}
