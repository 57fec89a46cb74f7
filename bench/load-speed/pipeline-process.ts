import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PipelineRun, PipelineSettings } from '../support/pipeline.ts';

const CHILD = fileURLToPath(new URL('./pipeline-child.ts', import.meta.url));
const run = promisify(execFile);

/** The load-speed backfill of `rankings` full rankings, in a child process; optionally profiled. */
export async function runPipelineProcess(
  settings: PipelineSettings & { rankings: number },
  options: { cpuProfileDir?: string } = {},
): Promise<PipelineRun> {
  const profiling = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', ...profiling, CHILD, JSON.stringify(settings)],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as PipelineRun;
}
