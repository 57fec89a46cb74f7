import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { renewLeases, WORKER_APPLICATION_PREFIX } from '../db/ledger.ts';

/**
 * A worker's identity in the ledger: one dedicated connection whose application_name carries the
 * worker id. While it is open the worker counts as alive; when the process dies the connection
 * drops and its jobs become claimable at once. It also renews the worker's leases.
 */
export interface WorkerSession {
  workerId: string;
  close(): Promise<void>;
}

export async function openWorkerSession(
  databaseUrl: string,
  options: { leaseSeconds: number },
): Promise<WorkerSession> {
  // application_name is capped at 63 bytes: keep the id short but unique across machines.
  const host = hostname()
    .replace(/[^A-Za-z0-9-]/g, '')
    .slice(0, 20);
  const workerId = `${host}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: `${WORKER_APPLICATION_PREFIX}${workerId}`,
  });
  await client.connect();
  client.on('error', () => {
    // A lost heartbeat connection only means leases stop being renewed; jobs still finish.
  });
  const renewEveryMs = Math.max(1000, (options.leaseSeconds * 1000) / 3);
  const timer = setInterval(() => {
    renewLeases(client, workerId, options.leaseSeconds).catch(() => undefined);
  }, renewEveryMs);
  timer.unref();
  return {
    workerId,
    async close() {
      clearInterval(timer);
      await client.end().catch(() => undefined);
    },
  };
}
