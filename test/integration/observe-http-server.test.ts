import { afterEach, describe, expect, it } from 'vitest';
import {
  type Health,
  type MetricsServer,
  startMetricsServer,
} from '../../src/observe/http-server.ts';
import { createMetrics } from '../../src/observe/metrics.ts';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(health: () => Promise<Health>) {
  const metrics = createMetrics();
  server = await startMetricsServer({
    port: 0,
    host: '127.0.0.1',
    registry: metrics.registry,
    health,
  });
  return { metrics, url: server.url };
}

const healthy: Health = { ok: true, database: true, lastGoodCycleAgeSeconds: 3600 };

describe('startMetricsServer', () => {
  it('binds a free port when asked for port 0', async () => {
    const { url } = await serve(async () => healthy);
    expect(server?.port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${server?.port}`);
  });

  it('serves the recorded figures at /metrics in the Prometheus text format', async () => {
    const { metrics, url } = await serve(async () => healthy);
    metrics.requestFinished('ok', 0.5);
    metrics.requestFinished('FASTMOSS_TRANSIENT', 2);
    metrics.rankingFinished('loaded', 30);
    metrics.rowsWritten('ranking_entries', 500);
    metrics.cycleSucceeded(new Date('2026-04-13T03:10:00Z'));

    const response = await fetch(`${url}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(text).toContain('fastmoss_requests_total{outcome="ok"} 1');
    expect(text).toContain('fastmoss_requests_total{outcome="transient"} 1');
    expect(text).toContain('etl_rankings_total{status="loaded"} 1');
    expect(text).toContain('etl_rows_written_total{table="ranking_entries"} 500');
    expect(text).toContain('etl_last_good_cycle_timestamp_seconds 1776049800');
  });

  it('answers /healthz with 200 and the health figures when ok', async () => {
    const { url } = await serve(async () => healthy);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(healthy);
  });

  it('answers /healthz with 503 when not ok, on every request afresh', async () => {
    let databaseUp = true;
    const { url } = await serve(async () => ({
      ok: databaseUp,
      database: databaseUp,
      lastGoodCycleAgeSeconds: null,
    }));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    databaseUp = false;
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      ok: false,
      database: false,
      lastGoodCycleAgeSeconds: null,
    });
  });

  it('answers /healthz with 503 and the reason when the health check throws', async () => {
    const { url } = await serve(async () => {
      throw new Error('connection refused');
    });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, error: 'connection refused' });
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { url } = await serve(async () => healthy);
    expect((await fetch(`${url}/`)).status).toBe(404);
    const post = await fetch(`${url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('closes promptly even while a client holds a keep-alive connection', async () => {
    const { url } = await serve(async () => healthy);
    await fetch(`${url}/metrics`, { headers: { connection: 'keep-alive' } });
    const started = Date.now();
    await server?.close();
    server = undefined;
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(fetch(`${url}/metrics`)).rejects.toThrow();
  });
});
