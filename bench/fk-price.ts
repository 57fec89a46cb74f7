/**
 * The foreign keys' price: the load-speed run (300 full rankings) on databases that differ only
 * in their fact-table foreign keys: all enforced, the two dimension keys (to creators and live
 * streams) NOT ENFORCED, all NOT ENFORCED (Postgres 18+; the keys stay in the catalog for BI
 * tools, unchecked), and dropped. Runs alternate A B C D A B C D on one server, so each ratio is
 * measured side by side; the figure is Postgres's CPU time, which the machine's load moves less
 * than wall time.
 */
import { createPool } from '../src/db/connect.ts';
import { measuredPipelineRun } from './load-speed/measured-run.ts';
import { RANKINGS } from './load-speed.ts';
import { freshDatabase } from './support/postgres.ts';
import { type BenchOutcome, median, round } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

type Variant = 'enforced' | 'dimensions-not-enforced' | 'not-enforced' | 'dropped';
const ROUNDS = 2;

/** The fact tables' foreign keys (declared on the table itself, not inherited by a partition). */
async function factKeys(
  pool: ReturnType<typeof createPool>,
): Promise<{ table: string; name: string; dimension: boolean }[]> {
  const { rows } = await pool.query<{ table: string; name: string; dimension: boolean }>(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name,
            c.confrelid IN ('fastmoss.creators'::regclass, 'fastmoss.live_streams'::regclass)
              AS dimension
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conparentid = 0
        AND c.conrelid IN ('fastmoss.ranking_entries'::regclass,
                           'fastmoss.ranking_top_lives'::regclass)
      ORDER BY 1, 2`,
  );
  return rows;
}

/** Sets every fact-table key as the variant says (all enforced for 'enforced', whatever the migrations left). */
async function applyVariant(url: string, variant: Variant, version: number): Promise<void> {
  const pool = createPool(url, { max: 1 });
  try {
    for (const key of await factKeys(pool)) {
      const relaxed =
        variant === 'not-enforced' || (variant === 'dimensions-not-enforced' && key.dimension);
      if (variant === 'dropped') {
        await pool.query(`ALTER TABLE ${key.table} DROP CONSTRAINT ${key.name}`);
      } else if (version >= 180000) {
        await pool.query(
          `ALTER TABLE ${key.table} ALTER CONSTRAINT ${key.name} ${relaxed ? 'NOT ENFORCED' : 'ENFORCED'}`,
        );
      }
    }
  } finally {
    await pool.end();
  }
}

async function serverVersion(url: string): Promise<number> {
  const pool = createPool(url, { max: 1 });
  try {
    const { rows } = await pool.query<{ v: string }>(
      "SELECT current_setting('server_version_num') AS v",
    );
    return Number(rows[0]?.v ?? 0);
  } finally {
    await pool.end();
  }
}

export async function fkPrice(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const version = await serverVersion(serverUrl);
  const variants: Variant[] =
    version >= 180000
      ? ['enforced', 'dimensions-not-enforced', 'not-enforced', 'dropped']
      : ['enforced', 'dropped'];
  const runs: Record<string, { ms: number[]; postgresCpuMs: number[]; etlCpuMs: number[] }> = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of variants) {
        const db = await freshDatabase(serverUrl, `fk_${variant.replace('-', '_')}`);
        try {
          await applyVariant(db.url, variant, version);
          await simulator.reset();
          const run = await measuredPipelineRun(db.url, simulator.url, RANKINGS);
          const entry = runs[variant] ?? { ms: [], postgresCpuMs: [], etlCpuMs: [] };
          runs[variant] = entry;
          entry.ms.push(run.ms);
          entry.postgresCpuMs.push(run.postgresCpuMs ?? 0);
          entry.etlCpuMs.push(run.etlCpuMs);
        } finally {
          await db.drop();
        }
      }
    }
  } finally {
    await simulator.close();
  }
  // Postgres's CPU is the figure: wall time on a shared machine moves with the others' load.
  const cpu = (variant: Variant) => median(runs[variant]?.postgresCpuMs ?? []);
  const wall = (variant: Variant) => median(runs[variant]?.ms ?? []);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const price = cpu('enforced') / cpu('dropped');
  return {
    name: version >= 180000 ? 'fk-price' : `fk-price-pg${Math.floor(version / 10000)}`,
    title: `Foreign keys' price on the load-speed run, Postgres ${Math.floor(version / 10000)}`,
    figure: `Postgres CPU enforced ${s(cpu('enforced'))} / dropped ${s(cpu('dropped'))}`,
    against: variants.includes('not-enforced')
      ? `NOT ENFORCED ${s(cpu('not-enforced'))}, dimension keys only ${s(cpu('dimensions-not-enforced'))}; wall enforced ${s(wall('enforced'))} / dropped ${s(wall('dropped'))}`
      : `wall enforced ${s(wall('enforced'))} / dropped ${s(wall('dropped'))}; NOT ENFORCED needs Postgres 18`,
    ratio: round(price),
    target: 'a measured price for the decision (no target)',
    met: true,
    details: { serverVersion: version, rounds: ROUNDS, runs, rankings: RANKINGS },
  };
}
