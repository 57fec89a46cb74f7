import { retryOnConnectionLoss } from '../db/connection-retry.ts';
import { PRIORITY } from '../db/ledger.ts';
import type { RunSummary } from '../pipeline/load-rankings.ts';
import { type CycleKind, cyclePeriods } from '../schedule/cycles.ts';
import { plansForCycles } from './cycle-plans.ts';
import { type Runtime, runPlans } from './runtime.ts';

/** The cron slot a cycle belongs to, e.g. `daily@2026-04-02T02:30:00.000Z`. */
export function cycleSlot(kind: CycleKind, firedAt: Date): string {
  return `${kind}@${firedAt.toISOString()}`;
}

/**
 * Runs one scheduled cycle unless a run of the same slot is already recorded. The caller holds
 * the cycle's advisory lock, so two schedulers firing the same slot load it once: the second
 * finds the first's run here, even if the first has already finished.
 */
export async function runScheduledCycle(
  runtime: Runtime,
  kind: CycleKind,
  firedAt: Date,
  options: { stopSignal?: AbortSignal; abortSignal?: AbortSignal } = {},
): Promise<RunSummary | undefined> {
  const slot = cycleSlot(kind, firedAt);
  const earlier = await retryOnConnectionLoss(() =>
    runtime.db.pool.query(
      `SELECT 1 FROM fastmoss.etl_runs WHERE trigger = 'scheduled' AND options->>'slot' = $1 LIMIT 1`,
      [slot],
    ),
  );
  if ((earlier.rowCount ?? 0) > 0) {
    runtime.logger.info({ slot }, 'cycle already run by another scheduler; skipped');
    return undefined;
  }
  const cycle = cyclePeriods(kind, firedAt, runtime.config.lookbackDays);
  return runPlans(runtime, {
    trigger: 'scheduled',
    plans: plansForCycles(runtime.config, [cycle]),
    priority: PRIORITY.scheduled,
    runOptions: { slot, cycle },
    stopSignal: options.stopSignal,
    abortSignal: options.abortSignal,
  });
}
