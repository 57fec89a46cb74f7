import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PipelineRun, PipelineSettings } from '../support/pipeline.ts';

const CHILD = fileURLToPath(new URL('./pipeline-child.ts', import.meta.url));
const run = promisify(execFile);

/**
 * The load-speed backfill of `rankings` full rankings, in a child process; optionally profiled.
 * `cpuMs` is the ETL process's own CPU time (user + system) during the run.
 */
export async function runPipelineProcess(
  settings: PipelineSettings & { rankings: number; skipRankings?: number },
  options: { cpuProfileDir?: string } = {},
): Promise<PipelineRun & { cpuMs: number }> {
  const profiling = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', ...profiling, CHILD, JSON.stringify(settings)],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as PipelineRun & { cpuMs: number };
}
