import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export interface Health {
  ok: boolean;
  database: boolean;
  /** Seconds since the last cycle that loaded every ranking; null when there has been none. */
  lastGoodCycleAgeSeconds: number | null;
}

export interface MetricsServerOptions {
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  host?: string;
  registry: Registry;
  health: () => Promise<Health>;
}

export interface MetricsServer {
  /** The port actually bound. */
  port: number;
  url: string;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * GET /metrics in the Prometheus text format and GET /healthz as JSON: 200 when the health check
 * says ok, 503 when not or when the check itself fails (a health check that throws is unhealthy).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, health } = options;
  const host = options.host ?? '0.0.0.0';

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(response, 405, JSON_TYPE, JSON.stringify({ error: 'method not allowed' }));
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => send(response, 200, registry.contentType, text),
        (error: unknown) =>
          send(response, 500, 'text/plain; charset=utf-8', `metrics failed: ${String(error)}`),
      );
      return;
    }
    if (path === '/healthz') {
      health().then(
        (status) => send(response, status.ok ? 200 : 503, JSON_TYPE, JSON.stringify(status)),
        (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          send(response, 503, JSON_TYPE, JSON.stringify({ ok: false, error: reason }));
        },
      );
      return;
    }
    send(response, 404, JSON_TYPE, JSON.stringify({ error: 'not found' }));
  });

  server.listen(options.port, host);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`metrics server bound to an unexpected address: ${String(address)}`);
  }
  const { port } = address;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;

  return {
    port,
    url: `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Scrapers keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
