import path from 'node:path';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that self time needs. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/** Where a frame's code lives, short: `src/db/load.ts`, `zod`, `(native)`. */
function place(url: string, root: string): string {
  if (url === '') return '(native)';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const inPackages = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (inPackages?.[1]) return inPackages[1];
  if (file.startsWith('node:')) return file;
  return path.relative(root, file);
}

function tally(profile: CpuProfile, keyOf: (nodeId: number) => string): Map<string, number> {
  const totals = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    const key = keyOf(nodeId);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return totals;
}

/** Self time per function (name, file and line) and per file or package, most first. */
export function selfTimes(
  profile: CpuProfile,
  root: string,
): { byFunction: SelfTime[]; byPlace: SelfTime[]; totalMs: number } {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totalMs = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0) / 1000;
  const rank = (totals: Map<string, number>): SelfTime[] =>
    [...totals]
      .map(([key, ms]) => {
        const [name = key, where = ''] = key.split('\u0000');
        return { name, where, ms, share: ms / totalMs };
      })
      .sort((a, b) => b.ms - a.ms);
  const byFunction = tally(profile, (id) => {
    const frame = frames.get(id);
    if (!frame) return '(unknown)';
    const name = frame.functionName || '(anonymous)';
    const at = frame.url === '' ? '' : `${place(frame.url, root)}:${frame.lineNumber + 1}`;
    return `${name}\u0000${at}`;
  });
  const byPlace = tally(profile, (id) => {
    const frame = frames.get(id);
    if (!frame) return '(unknown)';
    // Idle, GC and program are V8's own pseudo-frames: keep them apart from "native" code.
    return frame.url === '' && frame.functionName.startsWith('(')
      ? frame.functionName
      : place(frame.url, root);
  });
  return { byFunction: rank(byFunction), byPlace: rank(byPlace), totalMs };
}
