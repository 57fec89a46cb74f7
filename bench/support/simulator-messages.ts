import type { SimulatorOutcome } from '../../src/simulator/server.ts';

/** What the bench harness asks its simulator process. */
export type ParentRequest = { type: 'counters' } | { type: 'reset' } | { type: 'close' };

export interface CountersReply {
  type: 'counters';
  total: number;
  byOutcome: Record<SimulatorOutcome, number>;
  /** `performance.now()` of every arrival in the simulator's process, arrival order. */
  starts: number[];
  maxStartsInSecond: number;
  /** The simulator process's CPU time (user + system) since it started. */
  cpuMs: number;
}

export type ChildReply = { type: 'ready'; url: string } | { type: 'reset' } | CountersReply;
