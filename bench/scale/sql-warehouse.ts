import pg from 'pg';
import { ensurePartitions, partitionName } from '../../src/db/partitions.ts';
import { REGIONS } from '../../src/domain/ranking.ts';

/*
 * A warehouse of many years generated inside Postgres (INSERT ... SELECT), one month of periods
 * at a time: ten years of the queries benchmark's market (15 regions x {all, category 14} x 2
 * order fields, days, ISO weeks and months) is ~67 M entries and ~118 M top lives, which the
 * simulator and the loader would take hours to produce. The rows are shaped like the loader's:
 * ~260 entries a ranking, 1-3 top lives an entry, 19-digit ids, numeric money, the same creators
 * recurring across periods and both order fields.
 */

export interface SqlWarehouseSpec {
  /** First year generated; years run from 1 January of it. */
  firstYear: number;
  years: number;
  creatorsPerRegion: number;
}

export interface SqlWarehouseCounts {
  snapshots: number;
  entries: number;
  topLives: number;
}

export interface SqlWarehouseOptions {
  /** Months built at once, each on its own connection (the pool needs workers + 3). */
  workers: number;
}

const CREATOR_UID_BASE = 7_200_000_000_000_000_000n;
const ROOM_ID_BASE = 7_400_000_000_000_000_000n;
/**
 * A room id is ROOM_ID_BASE + day x 2^30 + (creator_uid - CREATOR_UID_BASE) x 4 + position, the
 * day counted from 2000-01-01: unique to its creator, period start and position, so a month's
 * rooms are its own and every later month's ids are larger.
 */
const ROOM_DAY_STRIDE = 2 ** 30;
/** Top-live templates repeat every 325 snapshot ids: the 13 money variants x the 25 life counts. */
const LIVES_CYCLE = 325;
const MAX_ENTRIES = 500;

/** Creators of every region; uid = base + region number x 10^7 + index: 19 digits, > 2^53. */
async function insertCreators(client: pg.ClientBase, spec: SqlWarehouseSpec): Promise<void> {
  if (spec.creatorsPerRegion * 4 >= ROOM_DAY_STRIDE - (REGIONS.length + 1) * 40_000_000) {
    throw new RangeError('too many creators a region for the room id layout');
  }
  await client.query(
    `INSERT INTO fastmoss.creator_categories (id, name)
     SELECT id, 'Category ' || id FROM generate_series(1, 20) id ON CONFLICT (id) DO NOTHING`,
  );
  await client.query(
    `INSERT INTO fastmoss.product_categories (id, name) VALUES (14, 'Beauty & Personal Care')
     ON CONFLICT (id) DO NOTHING`,
  );
  await client.query(
    `INSERT INTO fastmoss.creators (uid, unique_id, nickname, avatar_url, region,
                                    creator_category_id, follower_count, first_seen_at,
                                    last_seen_at)
     SELECT $1::bigint + r.n * 10000000 + i, lower(r.region) || '_creator_' || i,
            'Creator ' || r.region || ' ' || i, 'https://p16.example/avatar/' || i || '.jpeg',
            r.region, 1 + i % 20, 1000 + (i * 7919) % 5000000, now(), now()
       FROM unnest($2::text[]) WITH ORDINALITY AS r(region, n),
            generate_series(0, $3::int - 1) i`,
    [String(CREATOR_UID_BASE), [...REGIONS], spec.creatorsPerRegion],
  );
}

/**
 * Per-rank values computed once instead of once a row (numeric division is most of a row's
 * cost): an entry's money depends only on its rank and its snapshot id modulo 13, the number of
 * its top lives on rank and snapshot id modulo 25. Plain tables outside schema fastmoss, dropped
 * after the build.
 */
async function createTemplates(client: pg.ClientBase): Promise<void> {
  await client.query('DROP TABLE IF EXISTS public.scale_build_ranks, public.scale_build_lives');
  await client.query(
    `CREATE UNLOGGED TABLE public.scale_build_ranks AS
     SELECT k, r, r * 7 AS r7, 1 + (r * 31) % 40 AS sale_product_count, 20000 / r AS units,
            round((2000000.0 / r) * (1 + k / 100.0), 2) AS live_gmv,
            round((2000000.0 / r) * (1 + k / 100.0) / 3.7, 2) AS live_usd_gmv,
            1 + r % 9 AS live_count
       FROM generate_series(0, 12) k, generate_series(1, ${MAX_ENTRIES}) r
      ORDER BY k, r`,
  );
  // 1-3 top lives an entry (1.76 on average), as (snapshot id + rank) % 25 says.
  await client.query(
    `CREATE UNLOGGED TABLE public.scale_build_lives AS
     SELECT k, r, pos, r * 7 AS r7, 1000 / pos + r % 50 AS units_sold,
            round(round((2000000.0 / r) * (1 + (k % 13) / 100.0), 2) / (pos + 1), 2) AS gmv
       FROM generate_series(0, ${LIVES_CYCLE - 1}) k, generate_series(1, ${MAX_ENTRIES}) r,
            LATERAL generate_series(1, CASE WHEN (k + r) % 25 < 10 THEN 1
                                            WHEN (k + r) % 25 < 21 THEN 2
                                            ELSE 3 END) pos
      ORDER BY k, r, pos`,
  );
  await client.query('CREATE INDEX ON public.scale_build_ranks (k, r)');
  await client.query('CREATE INDEX ON public.scale_build_lives (k, r, pos)');
  await client.query('ANALYZE public.scale_build_ranks, public.scale_build_lives');
}

async function dropTemplates(client: pg.ClientBase): Promise<void> {
  await client.query('DROP TABLE IF EXISTS public.scale_build_ranks, public.scale_build_lives');
}

/** The snapshots of every period starting in [monthStart, monthStart + 1 month). */
async function insertSnapshots(client: pg.ClientBase, monthStart: string): Promise<number> {
  const { rowCount } = await client.query(
    `WITH month AS (SELECT $1::date AS start, ($1::date + interval '1 month')::date AS next),
     periods AS (
       SELECT 'day' AS period_type, to_char(d, 'YYYY-MM-DD') AS period_value,
              d::date AS period_start, d::date AS period_end
         FROM month, generate_series(month.start, month.next - 1, interval '1 day') d
       UNION ALL
       SELECT 'week', to_char(d, 'IYYY-IW'), d::date, (d + interval '6 days')::date
         FROM month, generate_series(month.start, month.next - 1, interval '1 day') d
        WHERE extract(isodow FROM d) = 1
       UNION ALL
       SELECT 'month', to_char(month.start, 'YYYY-MM'), month.start, month.next - 1 FROM month
     )
     INSERT INTO fastmoss.ranking_snapshots
       (region, product_category_id, creator_category_id, period_type, period_value,
        order_field, period_start, period_end, total, entry_count, api_calls, fetched_at)
     SELECT region, pc, NULL, p.period_type, p.period_value, o, p.period_start, p.period_end,
            n, n, ceil(n / 100.0), p.period_end + interval '30 hours'
       FROM periods p,
            unnest($2::text[]) region,
            unnest(ARRAY[NULL, 14]::int[]) pc,
            unnest(ARRAY['units_sold', 'gmv']) o,
            -- ~260 entries a ranking, 20 to 500, the same for a key's two order fields
            LATERAL (SELECT 20 + abs(hashtext(region || coalesce(pc, 0) || p.period_value))
                                 % 481 AS n) sizes
      ORDER BY p.period_start, region, pc NULLS FIRST, o`,
    [monthStart, [...REGIONS]],
  );
  return rowCount ?? 0;
}

/**
 * The month's snapshots with what their rows share, computed once a snapshot: $1 month start,
 * $2 regions, $3 creator uid base, $4 room id base.
 */
const SNAPSHOTS_OF_MONTH = `
  SELECT s.id, s.period_start, s.entry_count,
         array_position($2::text[], s.region)::bigint * 10000000 AS creator_offset,
         $3::bigint + array_position($2::text[], s.region)::bigint * 10000000 AS creator_base,
         abs(hashtext(s.period_value || s.region)) % 50 * 3 AS drift3,
         s.id % 97 AS id97, s.id % 13 AS k13, s.id % ${LIVES_CYCLE} AS k_lives,
         CASE s.region WHEN 'US' THEN 'USD' WHEN 'GB' THEN 'GBP' ELSE 'EUR' END AS currency,
         $4::bigint + (s.period_start - date '2000-01-01')::bigint * ${ROOM_DAY_STRIDE}
           AS room_base
    FROM fastmoss.ranking_snapshots s
   WHERE s.period_start >= $1::date AND s.period_start < ($1::date + interval '1 month')
   ORDER BY s.id`;

/**
 * Entries and top lives of the snapshots starting in the month, written into `entriesTable` and
 * `topLivesTable` (the month's partitions-to-be, still without indexes). A creator's index in
 * its region moves a little from period to period, so the same creators recur near the top;
 * ranks are contiguous and each ranking names a creator once. A room belongs to one creator and
 * one period start, so both order fields and both product categories of a period name the same
 * rooms.
 */
async function insertFacts(
  client: pg.ClientBase,
  spec: SqlWarehouseSpec,
  monthStart: string,
  entriesTable: string,
  topLivesTable: string,
): Promise<{ entries: number; topLives: number }> {
  const params = [monthStart, [...REGIONS], String(CREATOR_UID_BASE), String(ROOM_ID_BASE)];
  const entries = await client.query(
    `INSERT INTO fastmoss.${pg.escapeIdentifier(entriesTable)}
       (snapshot_id, period_start, rank, creator_uid, sale_product_count, live_units_sold,
        live_gmv, live_usd_gmv, currency, live_count, follower_count)
     SELECT s.id, s.period_start, t.r,
            s.creator_base + (t.r7 + s.drift3) % ${spec.creatorsPerRegion},
            t.sale_product_count, t.units + s.id97, t.live_gmv, t.live_usd_gmv, s.currency,
            t.live_count, 1000 + ((t.r7 + s.drift3) * 7919) % 5000000
       FROM (${SNAPSHOTS_OF_MONTH}) s
       CROSS JOIN LATERAL (SELECT * FROM public.scale_build_ranks t
                            WHERE t.k = s.k13 AND t.r <= s.entry_count ORDER BY t.k, t.r) t`,
    params,
  );
  const topLives = await client.query(
    `INSERT INTO fastmoss.${pg.escapeIdentifier(topLivesTable)}
       (snapshot_id, period_start, rank, position, room_id, units_sold, gmv, currency)
     SELECT s.id, s.period_start, t.r, t.pos,
            s.room_base + (s.creator_offset + (t.r7 + s.drift3) % ${spec.creatorsPerRegion}) * 4
              + t.pos,
            t.units_sold, t.gmv, 'USD'
       FROM (${SNAPSHOTS_OF_MONTH}) s
       CROSS JOIN LATERAL (SELECT * FROM public.scale_build_lives t
                            WHERE t.k = s.k_lives AND t.r <= s.entry_count
                            ORDER BY t.k, t.r, t.pos) t`,
    params,
  );
  return { entries: entries.rowCount ?? 0, topLives: topLives.rowCount ?? 0 };
}

/** The rooms the month's top lives name, once, in room_id order (appended to its key's index). */
async function insertLiveStreams(client: pg.ClientBase, topLivesTable: string): Promise<number> {
  const { rowCount } = await client.query(
    `INSERT INTO fastmoss.live_streams (room_id, creator_uid, region, title, cover_url,
                                        first_seen_at, last_seen_at)
     SELECT room_id, creator_uid, ($1::text[])[((creator_uid - $2::bigint) / 10000000)::int],
            'Live ' || room_id, NULL, now(), now()
       FROM (SELECT room_id, $2::bigint + (room_id - $3::bigint) % ${ROOM_DAY_STRIDE} / 4
                      AS creator_uid
               FROM (SELECT DISTINCT room_id FROM fastmoss.${pg.escapeIdentifier(topLivesTable)}) r
            ) rooms
      ORDER BY room_id`,
    [[...REGIONS], String(CREATOR_UID_BASE), String(ROOM_ID_BASE)],
  );
  return rowCount ?? 0;
}

interface PartitionShape {
  /** CREATE INDEX statements of a pipeline-made partition, for the probe month's partition. */
  indexes: string[];
  /** Its primary key, as ALTER TABLE ... ADD CONSTRAINT. */
  primaryKey: string;
}

const PROBE_MONTH = '1900-01-01';

/**
 * The indexes and key a partition made by the pipeline (`ensurePartitions`) gets, read from one
 * made for a month outside the warehouse and then dropped: the build gives each month's tables
 * the same, with the same names, before attaching them, so ATTACH adopts them instead of
 * building them under its lock on the parent.
 */
async function pipelinePartitionShapes(
  pool: pg.Pool,
): Promise<Record<'ranking_entries' | 'ranking_top_lives', PartitionShape>> {
  await ensurePartitions(pool, [PROBE_MONTH]);
  const shapes = {} as Record<'ranking_entries' | 'ranking_top_lives', PartitionShape>;
  for (const table of ['ranking_entries', 'ranking_top_lives'] as const) {
    const name = partitionName(table, PROBE_MONTH);
    const { rows } = await pool.query<{ def: string; key: string | null; conname: string | null }>(
      `SELECT pg_get_indexdef(x.indexrelid) AS def, pg_get_constraintdef(k.oid) AS key,
              k.conname
         FROM pg_index x
         LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.contype = 'p'
        WHERE x.indrelid = $1::regclass`,
      [`fastmoss.${name}`],
    );
    const primary = rows.find((row) => row.key !== null);
    if (!primary?.conname || !primary.key) throw new Error(`${name} has no primary key`);
    shapes[table] = {
      indexes: rows.filter((row) => row.key === null).map((row) => row.def),
      primaryKey: `ALTER TABLE fastmoss.${pg.escapeIdentifier(name)} ADD CONSTRAINT ${pg.escapeIdentifier(primary.conname)} ${primary.key}`,
    };
  }
  // Detached first: a referenced partition cannot be dropped while attached.
  for (const table of ['ranking_top_lives', 'ranking_entries', 'raw_pages'] as const) {
    const name = pg.escapeIdentifier(partitionName(table, PROBE_MONTH));
    await pool.query(`ALTER TABLE fastmoss.${table} DETACH PARTITION fastmoss.${name}`);
    await pool.query(`DROP TABLE fastmoss.${name}`);
  }
  return shapes;
}

/** The statements that make `table`'s partition for a month: as src/db/partitions.ts makes them. */
function standaloneTable(
  table: 'ranking_entries' | 'ranking_top_lives',
  month: string,
  shape: PartitionShape,
) {
  const name = partitionName(table, month);
  const probe = partitionName(table, PROBE_MONTH);
  const next = new Date(`${month}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const until = next.toISOString().slice(0, 10);
  const q = pg.escapeIdentifier;
  return {
    name,
    // The bound as a CHECK lets ATTACH skip its scan of the rows; dropped once attached.
    create: `CREATE TABLE fastmoss.${q(name)}
               (LIKE fastmoss.${q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS
                INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS,
                CONSTRAINT scale_build_bound CHECK (period_start >= ${pg.escapeLiteral(month)}
                                                    AND period_start < ${pg.escapeLiteral(until)}))`,
    // The probe partition's statements with its name replaced (names are [a-z0-9_]).
    indexes: [shape.primaryKey, ...shape.indexes].map((statement) =>
      statement.replaceAll(probe, name),
    ),
    attach: `ALTER TABLE fastmoss.${q(table)} ATTACH PARTITION fastmoss.${q(name)}
               FOR VALUES FROM (${pg.escapeLiteral(month)}) TO (${pg.escapeLiteral(until)})`,
    dropBound: `ALTER TABLE fastmoss.${q(name)} DROP CONSTRAINT scale_build_bound`,
    comment: `COMMENT ON TABLE fastmoss.${q(name)} IS ${pg.escapeLiteral(
      `The rows of ${table} whose period starts in ${month.slice(0, 7)} (a partition; query ${table} itself).`,
    )}`,
  };
}

export function monthsOf(spec: SqlWarehouseSpec): string[] {
  const months: string[] = [];
  for (let year = spec.firstYear; year < spec.firstYear + spec.years; year += 1) {
    for (let month = 1; month <= 12; month += 1) {
      months.push(`${year}-${String(month).padStart(2, '0')}-01`);
    }
  }
  return months;
}

/** Runs the work of turn `n` once the work of turns 0..n-1 has run, whatever order they come in. */
function turnstile() {
  const done: Promise<void>[] = [];
  const resolvers: (() => void)[] = [];
  const slot = (n: number) => {
    while (done.length <= n) {
      done.push(new Promise<void>((resolve) => resolvers.push(resolve)));
    }
    return done[n] as Promise<void>;
  };
  return async <T>(n: number, work: () => Promise<T>): Promise<T> => {
    if (n > 0) await slot(n - 1);
    slot(n);
    try {
      return await work();
    } finally {
      resolvers[n]?.();
    }
  };
}

const SESSION_SETTINGS = [
  // Consistent by construction: skip the per-row foreign-key triggers (superuser only).
  'SET session_replication_role = replica',
  'SET synchronous_commit = off',
  `SET maintenance_work_mem = '512MB'`,
  `SET work_mem = '256MB'`,
];

/**
 * Fills an empty, migrated warehouse. The snapshots of every month first, in period order; then
 * `workers` months at a time, each on its own connection: the month's entries and top lives go
 * into standalone tables shaped like the partitions (no indexes), are vacuumed while in memory
 * (hint bits and the visibility map the queries' index-only scans rely on), get the indexes and
 * key a pipeline-made partition has, with its names, each in one sort, and are attached (which
 * adopts those indexes; one month attaches at a time); `ensureMonth` then makes the month's
 * raw_pages partition the pipeline's way. The month's live streams are appended in month order
 * on one more connection (the pool needs workers + 3), with live_streams's creator index dropped meanwhile and built once at
 * the end. Indexes maintained row by row took most of the 50 minutes the first version needed.
 */
export async function buildSqlWarehouse(
  pool: pg.Pool,
  spec: SqlWarehouseSpec,
  options: SqlWarehouseOptions,
  ensureMonth: (monthStart: string) => Promise<void>,
  onProgress: (done: number, total: number, counts: SqlWarehouseCounts) => void,
): Promise<SqlWarehouseCounts & { liveStreams: number; phaseMs: Record<string, number> }> {
  const counts: SqlWarehouseCounts = { snapshots: 0, entries: 0, topLives: 0 };
  const phaseMs: Record<string, number> = {};
  const addPhase = (phase: string, ms: number) => {
    phaseMs[phase] = (phaseMs[phase] ?? 0) + ms;
  };
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      addPhase(phase, performance.now() - started);
    }
  };
  const months = monthsOf(spec);
  const workers = Math.max(1, Math.min(options.workers, months.length));
  const setup = await pool.connect();
  let liveStreams = 0;
  let creatorIndex: { def: string; comment: string | null } | undefined;
  try {
    for (const setting of SESSION_SETTINGS) await setup.query(setting);
    await timed('snapshots and templates', async () => {
      await insertCreators(setup, spec);
      await createTemplates(setup);
      for (const month of months) counts.snapshots += await insertSnapshots(setup, month);
      await setup.query('ANALYZE fastmoss.ranking_snapshots');
    });
    const shapes = await pipelinePartitionShapes(pool);
    // Appended month after month, live_streams's creator index is built once at the end.
    const { rows } = await setup.query<{ def: string; comment: string | null }>(
      `SELECT pg_get_indexdef('fastmoss.live_streams_creator_uid_idx'::regclass) AS def,
              obj_description('fastmoss.live_streams_creator_uid_idx'::regclass, 'pg_class')
                AS comment`,
    );
    creatorIndex = rows[0];
    await setup.query('DROP INDEX fastmoss.live_streams_creator_uid_idx');

    const tailClient = await pool.connect();
    for (const setting of SESSION_SETTINGS) await tailClient.query(setting);
    const pendingTails: Promise<number>[] = [];
    const inMonthOrder = turnstile();
    let next = 0;
    let done = 0;
    const worker = async () => {
      const client = await pool.connect();
      try {
        for (const setting of SESSION_SETTINGS) await client.query(setting);
        // Two months building at once already use both cores.
        if (workers > 1) await client.query('SET max_parallel_maintenance_workers = 0');
        for (let index = next++; index < months.length; index = next++) {
          const month = months[index] as string;
          const entries = standaloneTable('ranking_entries', month, shapes.ranking_entries);
          const topLives = standaloneTable('ranking_top_lives', month, shapes.ranking_top_lives);
          const facts = await timed('rows', async () => {
            await client.query('BEGIN');
            try {
              await client.query(entries.create);
              await client.query(topLives.create);
              const inserted = await insertFacts(client, spec, month, entries.name, topLives.name);
              await client.query('COMMIT');
              return inserted;
            } catch (error) {
              await client.query('ROLLBACK').catch(() => {});
              throw error;
            }
          });
          // ANALYZE too while the month is in memory: after the build only the parents are
          // sampled (a database-wide VACUUM ANALYZE of 40 GB read them all again, ~5 min).
          await timed('vacuum', () =>
            client.query(
              `VACUUM (ANALYZE) fastmoss.${pg.escapeIdentifier(entries.name)}, fastmoss.${pg.escapeIdentifier(topLives.name)}`,
            ),
          );
          await timed('indexes', async () => {
            for (const statement of [...entries.indexes, ...topLives.indexes]) {
              await client.query(statement);
            }
          });
          // Attached, and their rooms appended, in month order on one more connection (the
          // partitions' cloned keys are numbered in attach order; live_streams's key is
          // appended to), while this worker goes on with its next month.
          const tail = inMonthOrder(index, async () => {
            await timed('attach', async () => {
              await tailClient.query('BEGIN');
              try {
                for (const table of [entries, topLives]) {
                  await tailClient.query(table.attach);
                  await tailClient.query(table.dropBound);
                  await tailClient.query(table.comment);
                }
                await tailClient.query('COMMIT');
              } catch (error) {
                await tailClient.query('ROLLBACK').catch(() => {});
                throw error;
              }
              await ensureMonth(month);
            });
            return timed('live streams', async () => {
              const rooms = await insertLiveStreams(tailClient, topLives.name);
              // Only the pages just written: the visibility map skips the others.
              await tailClient.query('VACUUM fastmoss.live_streams');
              return rooms;
            });
          });
          tail.catch(() => {});
          pendingTails.push(tail);
          counts.entries += facts.entries;
          counts.topLives += facts.topLives;
          done += 1;
          onProgress(done, months.length, counts);
        }
      } finally {
        client.release();
      }
    };
    try {
      await Promise.all(Array.from({ length: workers }, worker));
      for (const rooms of await Promise.all(pendingTails)) liveStreams += rooms;
    } finally {
      tailClient.release();
    }

    await timed('live streams creator index', async () => {
      if (!creatorIndex) return;
      await setup.query(creatorIndex.def);
      if (creatorIndex.comment !== null) {
        await setup.query(
          `COMMENT ON INDEX fastmoss.live_streams_creator_uid_idx IS ${pg.escapeLiteral(creatorIndex.comment)}`,
        );
      }
      creatorIndex = undefined;
    });
    await dropTemplates(setup);
    return { ...counts, liveStreams, phaseMs };
  } finally {
    setup.release();
  }
}
