/**
 * `npm run bench [-- name ...]`: every benchmark (or those named) against the simulator and a
 * real Postgres; each writes bench/results/<name>.json, then BENCHMARKS.md's table is rewritten
 * from every result on disk. Benchmarks measure and report; a missed target does not fail this.
 */

import { loadavg } from 'node:os';
import { apiFrugality } from './api-frugality.ts';
import { fkPrice } from './fk-price.ts';
import { historyCosts } from './history-costs.ts';
import { loadSpeed } from './load-speed.ts';
import { loadSpeedProfile } from './load-speed-profile.ts';
import { loadSpeedWire } from './load-speed-wire.ts';
import { memory } from './memory.ts';
import { naiveLoadBench } from './naive-load.ts';
import { perRanking } from './per-ranking.ts';
import { rateDiscipline } from './rate-discipline.ts';
import { updateBenchmarksMd } from './support/benchmarks-md.ts';
import { startBenchPostgres } from './support/postgres.ts';
import { type BenchOutcome, readResults, writeResult } from './support/results.ts';

type Benchmark = (serverUrl: string) => Promise<BenchOutcome>;

const BENCHMARKS: Record<string, Benchmark> = {
  'load-speed': loadSpeed,
  'load-speed-wire': loadSpeedWire,
  'naive-load': naiveLoadBench,
  'api-frugality': apiFrugality,
  'rate-discipline': rateDiscipline,
  memory,
  'load-speed-profile': loadSpeedProfile,
  'fk-price': fkPrice,
  'history-costs': historyCosts,
  'per-ranking': perRanking,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`,
  );
  process.exit(2);
}

const postgres = await startBenchPostgres();
console.log(`benchmarks on ${postgres.source}`);
let failed = false;
try {
  for (const [name, benchmark] of Object.entries(BENCHMARKS)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    console.log(`${name}: running`);
    const started = performance.now();
    const loadBefore = loadavg()[0] ?? 0;
    try {
      const result = await writeResult(await benchmark(postgres.serverUrl), loadBefore);
      const took = ((performance.now() - started) / 1000).toFixed(0);
      console.log(
        `${name}: ${result.figure} against ${result.against}; ratio ${result.ratio ?? '-'}; target ${result.target}: ${result.met ? 'met' : 'MISSED'} (${took} s)`,
      );
    } catch (error) {
      failed = true;
      console.error(`${name}: could not be measured:`, error);
    }
  }
  await updateBenchmarksMd(await readResults());
} finally {
  await postgres.stop();
}
process.exitCode = failed ? 1 : 0;
