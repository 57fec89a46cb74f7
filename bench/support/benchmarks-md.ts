import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { machineLabel } from './machine.ts';
import type { BenchResult } from './results.ts';

const FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const START = '<!-- bench:table:start (written by npm run bench) -->';
const END = '<!-- bench:table:end -->';

/** Benchmarks in the order the table lists them. */
const ORDER = [
  'load-speed',
  'naive-load',
  'api-frugality',
  'rate-discipline',
  'memory',
  'load-speed-profile',
];

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function resultsTable(results: BenchResult[]): string {
  const sorted = [...results].sort(
    (a, b) => (ORDER.indexOf(a.name) + 1 || 99) - (ORDER.indexOf(b.name) + 1 || 99),
  );
  const lines = [
    '| benchmark | figure | floor / target | ratio | met | machine (load avg before/after) | date |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...sorted.map((result) =>
      [
        '',
        cell(result.title),
        cell(result.figure),
        cell(`${result.against}; target ${result.target}`),
        result.ratio === null ? '-' : result.ratio.toFixed(2),
        result.met ? 'yes' : '**no**',
        cell(
          `${machineLabel(result.machine)} (load ${result.loadAverage?.before ?? '?'}/${result.loadAverage?.after ?? '?'})`,
        ),
        result.date.slice(0, 10),
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
  return lines.join('\n');
}

/** Rewrites the generated table in BENCHMARKS.md, leaving the hand-written text around it. */
export async function updateBenchmarksMd(results: BenchResult[]): Promise<void> {
  const text = await readFile(FILE, 'utf8').catch(() => `# Benchmarks\n\n${START}\n${END}\n`);
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const table = `${START}\n${resultsTable(results)}\n${END}`;
  const next =
    from === -1 || to === -1
      ? `${text.trimEnd()}\n\n${table}\n`
      : `${text.slice(0, from)}${table}${text.slice(to + END.length)}`;
  await writeFile(FILE, next, 'utf8');
}
