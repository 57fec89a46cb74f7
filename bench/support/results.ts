import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeMachine, type Machine } from './machine.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** One benchmark's outcome, as written to bench/results/<name>.json and tabled in BENCHMARKS.md. */
export interface BenchResult {
  name: string;
  title: string;
  /** The headline figure as a person reads it: `41.2 s`, `1,523 calls`. */
  figure: string;
  /** What it is held against: `floor 30.1 s (COPY)`, `minimum 1,523`. */
  against: string;
  /** figure / floor or target, the way the target is stated. */
  ratio: number | null;
  target: string;
  met: boolean;
  machine: Machine;
  date: string;
  /**
   * 1-minute load average before and after: the machine may be shared, and a figure measured
   * beside other work (load above the core count) is slower than the code is.
   */
  loadAverage: { before: number; after: number };
  /** Everything measured, for whoever picks the next optimisation. */
  details: Record<string, unknown>;
}

export type BenchOutcome = Omit<BenchResult, 'machine' | 'date' | 'loadAverage'>;

export async function writeResult(
  outcome: BenchOutcome,
  loadBefore: number = loadavg()[0] ?? 0,
): Promise<BenchResult> {
  const result: BenchResult = {
    ...outcome,
    machine: describeMachine(),
    date: new Date().toISOString(),
    loadAverage: { before: round(loadBefore), after: round(loadavg()[0] ?? 0) },
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(
    `${RESULTS_DIR}${outcome.name}.json`,
    `${JSON.stringify(result, null, 2)}\n`,
    'utf8',
  );
  return result;
}

/** Every result on disk, including those of benchmarks not run this time. */
export async function readResults(): Promise<BenchResult[]> {
  const files = (await readdir(RESULTS_DIR)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(
      async (file) => JSON.parse(await readFile(`${RESULTS_DIR}${file}`, 'utf8')) as BenchResult,
    ),
  );
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
