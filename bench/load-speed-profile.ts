/**
 * Benchmark 6, where the time goes: the load-speed backfill again, in a process run under
 * `node --cpu-prof`; its self time per function and per file or package is written to
 * bench/results/load-speed-profile.txt, so the next optimisation is chosen from data.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measurePageCosts } from './load-speed/page-costs.ts';
import { runPipelineProcess } from './load-speed/pipeline-process.ts';
import { CONCURRENCY, RANKINGS, UNLIMITED_RPS } from './load-speed.ts';
import { type CpuProfile, type SelfTime, selfTimes } from './support/cpu-profile.ts';
import { freshDatabase } from './support/postgres.ts';
import { type BenchOutcome, RESULTS_DIR, round, seconds } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPORT = path.join(RESULTS_DIR, 'load-speed-profile.txt');

function rows(times: SelfTime[], count: number): string[] {
  return times
    .slice(0, count)
    .map(
      (time) =>
        `${time.ms.toFixed(0).padStart(8)} ms ${(time.share * 100).toFixed(1).padStart(5)}%  ${time.name}${time.where ? `  ${time.where}` : ''}`,
    );
}

export async function loadSpeedProfile(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const database = await freshDatabase(serverUrl, 'load_speed_profile');
  const profileDir = await mkdtemp(path.join(tmpdir(), 'fastmoss-bench-prof-'));
  try {
    const run = await runPipelineProcess(
      {
        databaseUrl: database.url,
        baseUrl: simulator.url,
        concurrency: CONCURRENCY,
        rps: UNLIMITED_RPS,
        rankings: RANKINGS,
      },
      { cpuProfileDir: profileDir },
    );
    const [file] = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('node --cpu-prof wrote no profile');
    const profile = JSON.parse(await readFile(path.join(profileDir, file), 'utf8')) as CpuProfile;
    const { byFunction, byPlace, totalMs } = selfTimes(profile, ROOT);
    const costs = measurePageCosts();
    const idle = byPlace.find((time) => time.name === '(idle)')?.ms ?? 0;
    const busyShare = 1 - idle / totalMs;
    await writeFile(
      REPORT,
      [
        `CPU profile of the load-speed backfill (${RANKINGS} rankings x 500 rows, concurrency ${CONCURRENCY}),`,
        `the ETL process only (simulator and Postgres run in processes of their own).`,
        `Wall ${seconds(run.durationMs)} under the profiler; profile ${seconds(totalMs)}, of which idle ${seconds(idle)} (busy ${(busyShare * 100).toFixed(0)}%).`,
        `Process CPU time ${seconds(run.cpuMs)}. Self time: time with the function itself on top of the stack.`,
        '',
        `Per 100-row page (${costs.pageBytes} bytes), CPU measured apart from I/O in the harness:`,
        `  JSON.parse ${costs.jsonParseMs.toFixed(2)} ms; lossless parse ${costs.losslessParseMs.toFixed(2)} ms; lossless parse + validation as the client does it ${costs.losslessParseAndValidateMs.toFixed(2)} ms`,
        `  x 1,500 pages = ${seconds(costs.losslessParseAndValidateMs * 1500)} of CPU for parse + validation.`,
        '',
        'Self time by file or package:',
        ...rows(byPlace, 20),
        '',
        'Top functions by self time:',
        ...rows(byFunction, 40),
        '',
      ].join('\n'),
      'utf8',
    );
    const top = byFunction.find((time) => time.name !== '(idle)');
    const topPlace = byPlace.find((time) => !time.name.startsWith('('));
    return {
      name: 'load-speed-profile',
      title: 'Where the time goes: CPU profile of the load-speed run',
      figure: `busy ${(busyShare * 100).toFixed(0)}%; top file ${topPlace?.name ?? '?'} ${((topPlace?.share ?? 0) * 100).toFixed(0)}%`,
      against: 'bench/results/load-speed-profile.txt',
      ratio: null,
      target: 'a report (no target)',
      met: true,
      details: {
        wallMsUnderProfiler: Math.round(run.durationMs),
        processCpuMs: Math.round(run.cpuMs),
        profileMs: Math.round(totalMs),
        pageCostsMs: {
          jsonParse: round(costs.jsonParseMs),
          losslessParse: round(costs.losslessParseMs),
          losslessParseAndValidate: round(costs.losslessParseAndValidateMs),
        },
        idleMs: Math.round(idle),
        topFunction: top ? { ...top, ms: Math.round(top.ms), share: round(top.share, 3) } : null,
        byPlace: byPlace.slice(0, 12).map((time) => ({
          name: time.name,
          ms: Math.round(time.ms),
          share: round(time.share, 3),
        })),
      },
    };
  } finally {
    await simulator.close();
    await database.drop();
    await rm(profileDir, { recursive: true, force: true });
  }
}
