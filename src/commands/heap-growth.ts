import { setFlagsFromString } from 'node:v8';

/*
 * How far V8 lets its old generation grow past what the last full collection kept before it
 * collects again: here 1.5x (V8 alone picks up to 4x when collections are cheap, as they are for
 * this process). What a run keeps alive is small and flat (~30-37 MB: the modules, and the
 * rankings in flight, which the run bounds), but every ranking held from fetch to commit outlives
 * two young-generation collections and is promoted, so at V8's own factor the process peaked at
 * ~225-255 MB of RSS, mostly garbage of rankings long written. At 1.5x: ~160 MB for 200
 * rankings, ~170 MB for 2,000, for ~8 more full collections of a ~35 MB heap per 200 rankings
 * (~0.2 ms of main-thread pause a page; at 2x: ~185-190 MB). A growth factor, not a cap: a run
 * that needs more memory gets it (BENCHMARKS.md, memory).
 */
export const HEAP_GROWING_PERCENT = 50;

/** Sets V8's heap growing factor for this process, unless its command line sets its own. */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
