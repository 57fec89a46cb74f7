import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { renewLeases, WORKER_APPLICATION_PREFIX } from '../db/ledger.ts';

/**
 * A worker's identity in the ledger: one dedicated connection whose application_name carries the
 * worker id. While it is open the worker counts as alive; when the process dies the connection
 * drops and its jobs become claimable at once. It also renews the worker's leases.
 *
 * If the connection is lost while the process lives (a Postgres restart, pg_terminate_backend),
 * it is opened again at once: until then the worker looks dead, and another process may take its
 * jobs (their loads are then refused, since this worker no longer holds them, but they cost a
 * second fetch).
 */
export interface WorkerSession {
  workerId: string;
  close(): Promise<void>;
}

const RECONNECT_DELAYS_MS = [0, 250, 500, 1000, 2000, 5000];

export async function openWorkerSession(
  databaseUrl: string,
  options: { leaseSeconds: number },
): Promise<WorkerSession> {
  // application_name is capped at 63 bytes: keep the id short but unique across machines.
  const host = hostname()
    .replace(/[^A-Za-z0-9-]/g, '')
    .slice(0, 20);
  const workerId = `${host}-${process.pid}-${randomBytes(4).toString('hex')}`;
  let closed = false;
  /** Set once the first connection is up: a failed first connect is the caller's error to see. */
  let opened = false;
  let client: pg.Client | undefined;
  let reconnecting: Promise<void> | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: databaseUrl,
      application_name: `${WORKER_APPLICATION_PREFIX}${workerId}`,
    });
    // Without a listener a lost connection's 'error' event would crash the process.
    next.on('error', () => reconnect());
    next.on('end', () => reconnect());
    await next.connect();
    client = next;
  }

  function reconnect(): void {
    if (closed || !opened || reconnecting) return;
    client = undefined;
    reconnecting = (async () => {
      for (let attempt = 0; !closed; attempt++) {
        const delay = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)] ?? 0;
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (closed) return;
        try {
          await connect();
          if (client) await renewLeases(client, workerId, options.leaseSeconds);
          return;
        } catch {
          // The database is still away: try again after the next delay.
        }
      }
    })().finally(() => {
      reconnecting = undefined;
    });
  }

  await connect();
  opened = true;
  const renewEveryMs = Math.max(1000, (options.leaseSeconds * 1000) / 3);
  const timer = setInterval(() => {
    if (client) renewLeases(client, workerId, options.leaseSeconds).catch(() => undefined);
  }, renewEveryMs);
  timer.unref();
  return {
    workerId,
    async close() {
      closed = true;
      clearInterval(timer);
      await reconnecting;
      await client?.end().catch(() => undefined);
    },
  };
}
