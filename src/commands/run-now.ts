import type { Config } from '../config.ts';
import { PRIORITY } from '../db/ledger.ts';
import { cyclesForRunNow } from '../schedule/cycles.ts';
import { plansForCycles } from './cycle-plans.ts';
import { executeRun } from './execute-run.ts';
import type { ExitCode } from './exit-codes.ts';
import { openRuntime } from './runtime.ts';
import { reportRun } from './summary.ts';

/** `run`: what the schedule would load today, now, in the foreground. */
export async function runNow(
  config: Config,
  now: Date,
  options: { json: boolean },
): Promise<ExitCode> {
  const cycles = cyclesForRunNow(now, config.lookbackDays, config.crons);
  const runtime = await openRuntime(config, { api: true, migrate: true });
  try {
    const summary = await executeRun(
      runtime,
      {
        trigger: 'manual',
        plans: plansForCycles(config, cycles),
        priority: PRIORITY.scheduled,
        runOptions: { cycles },
      },
      { progress: !options.json },
    );
    return reportRun(summary, options);
  } finally {
    await runtime.close();
  }
}
