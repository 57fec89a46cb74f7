import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observe/metrics.ts';

async function sample(
  metrics: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return match?.value;
}

describe('createMetrics', () => {
  it('counts requests by outcome and times them', async () => {
    const metrics = createMetrics();
    metrics.requestFinished('ok', 0.25);
    metrics.requestFinished('ok', 0.5);
    metrics.requestFinished('FASTMOSS_TRANSIENT', 0.05);
    metrics.requestFinished('FASTMOSS_INVALID_RESPONSE', 0.3);
    expect(await sample(metrics, 'fastmoss_requests_total', { outcome: 'ok' })).toBe(2);
    expect(await sample(metrics, 'fastmoss_requests_total', { outcome: 'transient' })).toBe(1);
    expect(await sample(metrics, 'fastmoss_requests_total', { outcome: 'invalid_response' })).toBe(
      1,
    );
    const text = await metrics.registry.metrics();
    expect(text).toContain('etl_request_duration_seconds_count{outcome="ok"} 2');
    expect(text).toContain('etl_request_duration_seconds_sum{outcome="ok"} 0.75');
    expect(text).toContain('etl_request_duration_seconds_bucket{le="0.25",outcome="ok"} 1');
  });

  it('counts retries by reason and limiter waits', async () => {
    const metrics = createMetrics();
    metrics.retryScheduled('rate-limited');
    metrics.retryScheduled('rate-limited');
    metrics.retryScheduled('timeout');
    metrics.limiterWaited(0.3);
    expect(await sample(metrics, 'fastmoss_retries_total', { reason: 'rate_limited' })).toBe(2);
    expect(await sample(metrics, 'fastmoss_retries_total', { reason: 'timeout' })).toBe(1);
    expect(await metrics.registry.metrics()).toContain('fastmoss_limiter_wait_seconds_count 1');
  });

  it('counts rankings by status from zero, timing only those fetched', async () => {
    const metrics = createMetrics();
    expect(await sample(metrics, 'etl_rankings_total', { status: 'failed' })).toBe(0);
    metrics.rankingFinished('loaded', 12);
    metrics.rankingFinished('failed', 40);
    metrics.rankingFinished('skipped');
    metrics.rankingFinished('skipped');
    expect(await sample(metrics, 'etl_rankings_total', { status: 'loaded' })).toBe(1);
    expect(await sample(metrics, 'etl_rankings_total', { status: 'skipped' })).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toContain('etl_ranking_duration_seconds_count{status="loaded"} 1');
    expect(text).toContain('etl_ranking_duration_seconds_sum{status="failed"} 40');
    expect(text).not.toContain('etl_ranking_duration_seconds_count{status="skipped"}');
  });

  it('adds rows written per table', async () => {
    const metrics = createMetrics();
    metrics.rowsWritten('ranking_entries', 500);
    metrics.rowsWritten('ranking_entries', 120);
    metrics.rowsWritten('creators', 37);
    expect(await sample(metrics, 'etl_rows_written_total', { table: 'ranking_entries' })).toBe(620);
    expect(await sample(metrics, 'etl_rows_written_total', { table: 'creators' })).toBe(37);
  });

  it('records the last good cycle as Unix seconds', async () => {
    const metrics = createMetrics();
    metrics.cycleSucceeded(new Date('2026-04-13T03:10:00Z'));
    expect(await sample(metrics, 'etl_last_good_cycle_timestamp_seconds')).toBe(1776049800);
  });

  it('keeps its figures apart from the global registry and from other instances', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.retryScheduled('timeout');
    expect(await sample(second, 'fastmoss_retries_total', { reason: 'timeout' })).toBeUndefined();
    expect(globalRegistry.getSingleMetric('fastmoss_retries_total')).toBeUndefined();
  });

  it('adds process metrics only when asked', async () => {
    expect(await createMetrics().registry.metrics()).not.toContain('process_cpu_seconds_total');
    const withProcess = createMetrics({ processMetrics: true });
    expect(await withProcess.registry.metrics()).toContain('process_cpu_seconds_total');
  });
  it('counts runs by trigger, status and end reason, and keeps only the last run as info', async () => {
    const metrics = createMetrics();
    metrics.runFinished({ trigger: 'scheduled', status: 'succeeded', reason: null });
    metrics.runFinished({ trigger: 'backfill', status: 'failed', reason: 'auth' });
    metrics.runFinished({ trigger: 'backfill', status: 'failed', reason: 'auth' });
    metrics.rankingsSkipped(3);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'etl_runs_total{trigger="scheduled",status="succeeded",reason="none"} 1',
    );
    expect(text).toContain('etl_runs_total{trigger="backfill",status="failed",reason="auth"} 2');
    expect(text).toContain('etl_last_run_info{trigger="backfill",status="failed",reason="auth"} 1');
    expect(text).not.toContain('etl_last_run_info{trigger="scheduled"');
    expect(await sample(metrics, 'etl_rankings_total', { status: 'skipped' })).toBe(3);
  });
});
