import type { Config } from '../config.ts';
import { type PlannedRanking, planForPeriods } from '../plan/plan.ts';
import type { CyclePeriods } from '../schedule/cycles.ts';

/** A cycle's periods crossed with the configured selection; period types not configured drop out. */
export function plansForCycles(
  config: Config,
  cycles: CyclePeriods[],
): { planned: PlannedRanking[]; force: boolean }[] {
  return cycles
    .filter((cycle) => config.selection.periodTypes.includes(cycle.periodType))
    .map((cycle) => ({
      planned: planForPeriods(config.selection, [
        { periodType: cycle.periodType, periodValues: cycle.periodValues },
      ]),
      force: cycle.force,
    }));
}
