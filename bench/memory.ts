/**
 * Benchmark 5, memory: the CLI's `backfill` as a subprocess under /usr/bin/time -v, for 200 and
 * for 2,000 rankings; its peak RSS ("Maximum resident set size") and CPU time. The simulator runs
 * in another process, so its memory is not counted.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HEAP_GROWING_PERCENT } from '../src/commands/heap-growth.ts';
import { freshDatabase } from './support/postgres.ts';
import { days } from './support/rankings.ts';
import { type BenchOutcome, round } from './support/results.ts';
import { BENCH_TOKEN, startSimulatorProcess } from './support/simulator-process.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../bin/fastmoss-etl.js', import.meta.url));
const REGIONS = 'US,GB,MX,ES,DE,IT,FR,ID,VN,MY';
const LIMIT_MB = 200;
const GROWTH_LIMIT = 1.1;
const CONCURRENCY = 8;
const CAPPED_OLD_SPACE_MB = 64;

interface BackfillMemory {
  rankings: number;
  peakRssMb: number;
  /** The process's user + system CPU time, start-up included (from /usr/bin/time). */
  cpuMs: number;
  wallMs: number;
  summary: unknown;
}

/** 10 regions x `dayCount` days x 2 order fields. */
async function backfillPeak(
  serverUrl: string,
  baseUrl: string,
  dayCount: number,
  variant: { dryRun?: boolean; nodeOptions?: string; nodeArgs?: string[] } = {},
): Promise<BackfillMemory> {
  const database = await freshDatabase(serverUrl, `memory_${dayCount}`);
  const range = days('2025-01-01', dayCount);
  try {
    const started = performance.now();
    const { stdout, stderr } = await run(
      '/usr/bin/time',
      [
        '-v',
        process.execPath,
        ...(variant.nodeArgs ?? []),
        CLI,
        'backfill',
        '--from',
        range[0] ?? '2025-01-01',
        '--to',
        range.at(-1) ?? '2025-01-01',
        '--periods',
        'day',
        '--regions',
        REGIONS,
        '--product-categories',
        'all',
        '--creator-categories',
        'all',
        '--orderby',
        'units_sold,gmv',
        '--json',
        ...(variant.dryRun ? ['--dry-run'] : []),
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          FASTMOSS_BASE_URL: baseUrl,
          FASTMOSS_TOKEN: BENCH_TOKEN,
          ETL_CONCURRENCY: String(CONCURRENCY),
          ETL_RPS: '10000',
          LOG_LEVEL: 'warn',
          NODE_OPTIONS: variant.nodeOptions ?? '',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const wallMs = performance.now() - started;
    const kbytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
    if (kbytes === undefined) throw new Error(`no peak RSS in /usr/bin/time output: ${stderr}`);
    const seconds = (label: string) =>
      Number(new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? Number.NaN);
    const cpuMs = Math.round((seconds('User') + seconds('System')) * 1000);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as unknown;
    return { rankings: dayCount * 20, peakRssMb: Number(kbytes) / 1024, cpuMs, wallMs, summary };
  } finally {
    await database.drop();
  }
}

export async function memory(serverUrl: string): Promise<BenchOutcome> {
  // The bin runs lib/ only when it is newer than every source file, else the sources through
  // tsx, which adds ~25 MB to every peak (124 against 98 MB for a dry run, measured): build first,
  // so what is measured is what `npm ci` installs.
  await run('npm', ['run', '--silent', 'build'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const simulator = await startSimulatorProcess();
  try {
    const small = await backfillPeak(serverUrl, simulator.url, 10);
    const large = await backfillPeak(serverUrl, simulator.url, 100);
    // What the peak is made of: the process with every module loaded and nothing fetched, and
    // the small backfill with V8's old space capped (if it still succeeds, the rest was garbage
    // V8 had not yet had a reason to collect).
    const baseline = await backfillPeak(serverUrl, simulator.url, 10, { dryRun: true });
    const capped = await backfillPeak(serverUrl, simulator.url, 10, {
      nodeOptions: `--max-old-space-size=${CAPPED_OLD_SPACE_MB}`,
    });
    // What the CLI's heap growth setting (src/commands/heap-growth.ts) buys: the same 200 with
    // V8 choosing its own factor (a --heap-growing-percent on the command line is left alone).
    const v8Growth = await backfillPeak(serverUrl, simulator.url, 10, {
      nodeArgs: ['--heap-growing-percent=0'],
    });
    const growth = large.peakRssMb / small.peakRssMb;
    const mb = (value: number) => `${value.toFixed(0)} MB`;
    return {
      name: 'memory',
      title: `Memory: peak RSS of CLI backfills of ${small.rankings} and ${large.rankings} rankings`,
      figure: `${mb(small.peakRssMb)} / ${mb(large.peakRssMb)}`,
      against: `limit ${LIMIT_MB} MB; growth ${growth.toFixed(2)}x`,
      ratio: round(large.peakRssMb / LIMIT_MB),
      target: `< ${LIMIT_MB} MB, larger <= ${GROWTH_LIMIT}x the smaller`,
      met: small.peakRssMb < LIMIT_MB && large.peakRssMb < LIMIT_MB && growth <= GROWTH_LIMIT,
      details: {
        concurrency: CONCURRENCY,
        heapGrowingPercent: HEAP_GROWING_PERCENT,
        small: { ...small, peakRssMb: round(small.peakRssMb, 1), wallMs: Math.round(small.wallMs) },
        large: { ...large, peakRssMb: round(large.peakRssMb, 1), wallMs: Math.round(large.wallMs) },
        growth: round(growth, 3),
        dryRunBaselinePeakRssMb: round(baseline.peakRssMb, 1),
        smallWithOldSpaceCapped: {
          maxOldSpaceSizeMb: CAPPED_OLD_SPACE_MB,
          peakRssMb: round(capped.peakRssMb, 1),
          wallMs: Math.round(capped.wallMs),
          summary: capped.summary,
        },
        smallWithV8OwnHeapGrowth: {
          peakRssMb: round(v8Growth.peakRssMb, 1),
          cpuMs: Math.round(v8Growth.cpuMs),
          wallMs: Math.round(v8Growth.wallMs),
          summary: v8Growth.summary,
        },
      },
    };
  } finally {
    await simulator.close();
  }
}
