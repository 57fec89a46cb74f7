/**
 * The foreign keys' price: the load-speed run (300 full rankings) on databases that differ only
 * in their four fact-table foreign keys: enforced (as migrated), NOT ENFORCED (Postgres 18+; the
 * keys stay in the catalog for BI tools, unchecked), and dropped. Runs alternate A B C A B C on
 * one server, so each ratio is measured side by side.
 */
import { createPool } from '../src/db/connect.ts';
import { runPipelineProcess } from './load-speed/pipeline-process.ts';
import { CONCURRENCY, RANKINGS, UNLIMITED_RPS } from './load-speed.ts';
import { postmasterPid, processTreeCpuMs } from './support/cpu-time.ts';
import { freshDatabase } from './support/postgres.ts';
import { type BenchOutcome, median, round } from './support/results.ts';
import { startSimulatorProcess } from './support/simulator-process.ts';

const FACT_KEYS = [
  ['ranking_entries', 'ranking_entries_snapshot_id_ranking_snapshots_id_fk'],
  ['ranking_entries', 'ranking_entries_creator_uid_creators_uid_fk'],
  ['ranking_top_lives', 'ranking_top_lives_entry_fk'],
  ['ranking_top_lives', 'ranking_top_lives_room_id_live_streams_room_id_fk'],
] as const;

type Variant = 'enforced' | 'not-enforced' | 'dropped';
const ROUNDS = 2;

async function applyVariant(url: string, variant: Variant): Promise<void> {
  if (variant === 'enforced') return;
  const pool = createPool(url, { max: 1 });
  try {
    for (const [table, constraint] of FACT_KEYS) {
      await pool.query(
        variant === 'dropped'
          ? `ALTER TABLE fastmoss.${table} DROP CONSTRAINT ${constraint}`
          : `ALTER TABLE fastmoss.${table} ALTER CONSTRAINT ${constraint} NOT ENFORCED`,
      );
    }
  } finally {
    await pool.end();
  }
}

async function serverVersion(url: string): Promise<number> {
  const pool = createPool(url, { max: 1 });
  try {
    const { rows } = await pool.query<{ v: string }>('SHOW server_version_num');
    return Number(rows[0]?.v ?? 0);
  } finally {
    await pool.end();
  }
}

export async function fkPrice(serverUrl: string): Promise<BenchOutcome> {
  const simulator = await startSimulatorProcess();
  const version = await serverVersion(serverUrl);
  const variants: Variant[] =
    version >= 180000 ? ['enforced', 'not-enforced', 'dropped'] : ['enforced', 'dropped'];
  const runs: Record<string, { ms: number[]; postgresCpuMs: number[]; etlCpuMs: number[] }> = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of variants) {
        const db = await freshDatabase(serverUrl, `fk_${variant.replace('-', '_')}`);
        try {
          await applyVariant(db.url, variant);
          await simulator.reset();
          const pid = await postmasterPid(db.url);
          const before = pid ? await processTreeCpuMs(pid) : 0;
          const run = await runPipelineProcess({
            databaseUrl: db.url,
            baseUrl: simulator.url,
            concurrency: CONCURRENCY,
            rps: UNLIMITED_RPS,
            rankings: RANKINGS,
          });
          const after = pid ? await processTreeCpuMs(pid) : 0;
          const entry = runs[variant] ?? { ms: [], postgresCpuMs: [], etlCpuMs: [] };
          runs[variant] = entry;
          entry.ms.push(Math.round(run.durationMs));
          entry.postgresCpuMs.push(Math.round(after - before));
          entry.etlCpuMs.push(Math.round(run.cpuMs));
        } finally {
          await db.drop();
        }
      }
    }
  } finally {
    await simulator.close();
  }
  const enforced = median(runs.enforced?.ms ?? []);
  const dropped = median(runs.dropped?.ms ?? []);
  const price = enforced / dropped;
  return {
    name: version >= 180000 ? 'fk-price' : `fk-price-pg${Math.floor(version / 10000)}`,
    title: `Foreign keys' price on the load-speed run, Postgres ${Math.floor(version / 10000)}`,
    figure: `enforced ${(enforced / 1000).toFixed(1)} s / dropped ${(dropped / 1000).toFixed(1)} s`,
    against: variants.includes('not-enforced')
      ? `NOT ENFORCED ${(median(runs['not-enforced']?.ms ?? []) / 1000).toFixed(1)} s`
      : 'NOT ENFORCED needs Postgres 18',
    ratio: round(price),
    target: 'a measured price for the decision (no target)',
    met: true,
    details: { serverVersion: version, rounds: ROUNDS, runs, rankings: RANKINGS },
  };
}
