import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  check,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

/** Everything the ETL owns lives in this Postgres schema, drizzle's migration bookkeeping included. */
export const fastmoss = pgSchema('fastmoss');

/**
 * A TikTok id (creator uid, live room id): a Postgres bigint that travels as decimal text, because
 * 19-digit ids do not fit a JavaScript number and a JS bigint does not survive JSON.
 */
const tiktokId = customType<{ data: string; driverData: string }>({
  dataType: () => 'bigint',
});

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const creatorCategories = fastmoss.table('creator_categories', {
  id: integer('id').primaryKey(),
  name: text('name'),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  /**
   * The name is the one of the latest period that named the category, as a creator's attributes
   * are: that ranking's period_end and fetch. NULL: no name known yet, or stored before migration
   * 0020; any named period wins over it.
   */
  attributesAsOf: date('attributes_as_of', { mode: 'string' }),
  attributesFetchedAt: timestamptz('attributes_fetched_at'),
});

export const productCategories = fastmoss.table('product_categories', {
  id: integer('id').primaryKey(),
  name: text('name'),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const creators = fastmoss.table(
  'creators',
  {
    uid: tiktokId('uid').primaryKey(),
    uniqueId: text('unique_id').notNull(),
    nickname: text('nickname').notNull(),
    avatarUrl: text('avatar_url'),
    region: text('region'),
    creatorCategoryId: integer('creator_category_id').references(() => creatorCategories.id),
    followerCount: bigint('follower_count', { mode: 'number' }),
    /**
     * The attributes above are those of the creator's latest period ranked in: the period_end of
     * the ranking they came from, and that ranking's fetch (the later fetch wins a tie of
     * periods). NULL: not known (rows from before migration 0012 listed in no ranking); the next
     * load sets them.
     */
    attributesAsOf: date('attributes_as_of', { mode: 'string' }),
    attributesFetchedAt: timestamptz('attributes_fetched_at'),
    firstSeenAt: timestamptz('first_seen_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
  },
  (t) => [
    index('creators_unique_id_idx').on(t.uniqueId),
    index('creators_creator_category_id_idx').on(t.creatorCategoryId),
  ],
);

export const liveStreams = fastmoss.table(
  'live_streams',
  {
    roomId: tiktokId('room_id').primaryKey(),
    // No foreign key: a top live may name a creator who never ranked.
    creatorUid: tiktokId('creator_uid').notNull(),
    region: text('region'),
    title: text('title'),
    coverUrl: text('cover_url'),
    /** As creators.attributes_as_of / attributes_fetched_at, for the four columns above. */
    attributesAsOf: date('attributes_as_of', { mode: 'string' }),
    attributesFetchedAt: timestamptz('attributes_fetched_at'),
    firstSeenAt: timestamptz('first_seen_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
  },
  (t) => [index('live_streams_creator_uid_idx').on(t.creatorUid)],
);

export const etlRuns = fastmoss.table(
  'etl_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    trigger: text('trigger').notNull(),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
    status: text('status').notNull().default('running'),
    planned: integer('planned').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    notAvailable: integer('not_available').notNull().default(0),
    apiCalls: integer('api_calls').notNull().default(0),
    rowsLoaded: integer('rows_loaded').notNull().default(0),
    options: jsonb('options'),
    host: text('host'),
    pid: integer('pid'),
    /** The run's worker session: alive while `fastmoss-etl/<worker_id>` is in pg_stat_activity. */
    workerId: text('worker_id'),
    /** Why the run ended without every ranking loaded (RUN_END_REASONS); NULL when it did. */
    endReason: text('end_reason'),
    endMessage: text('end_message'),
    /** When a later run saw the worker gone and marked the run `abandoned`. */
    abandonedAt: timestamptz('abandoned_at'),
  },
  (t) => [
    check(
      'etl_runs_trigger_check',
      sql`${t.trigger} in ('scheduled', 'backfill', 'manual', 'demo')`,
    ),
    check(
      'etl_runs_status_check',
      sql`${t.status} in ('running', 'succeeded', 'failed', 'interrupted', 'abandoned')`,
    ),
    index('etl_runs_started_at_idx').on(t.startedAt.desc()),
  ],
);

/** The columns that identify one ranking; NULL category = all categories. */
const rankingKeyColumns = () => ({
  region: text('region').notNull(),
  productCategoryId: integer('product_category_id'),
  creatorCategoryId: integer('creator_category_id'),
  periodType: text('period_type').notNull(),
  periodValue: text('period_value').notNull(),
  orderField: text('order_field').notNull(),
  periodStart: date('period_start', { mode: 'string' }).notNull(),
  periodEnd: date('period_end', { mode: 'string' }).notNull(),
});

type RankingKeyTable = { [K in keyof ReturnType<typeof rankingKeyColumns>]: AnyPgColumn };

/**
 * One row per ranking key (and `more` columns); NULLS NOT DISTINCT so two "all categories" rows
 * do collide.
 */
const rankingKeyUnique = (name: string, t: RankingKeyTable, ...more: AnyPgColumn[]) =>
  unique(name)
    .on(
      t.region,
      t.productCategoryId,
      t.creatorCategoryId,
      t.periodType,
      t.periodValue,
      t.orderField,
      ...more,
    )
    .nullsNotDistinct();

export const rankingSnapshots = fastmoss.table(
  'ranking_snapshots',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ...rankingKeyColumns(),
    total: integer('total').notNull(),
    entryCount: integer('entry_count').notNull(),
    apiCalls: integer('api_calls'),
    fetchedAt: timestamptz('fetched_at').notNull(),
    loadedAt: timestamptz('loaded_at').notNull().defaultNow(),
    runId: bigint('run_id', { mode: 'number' }).references(() => etlRuns.id, {
      onDelete: 'set null',
    }),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
    previousEntryCount: integer('previous_entry_count'),
  },
  (t) => [
    rankingKeyUnique('ranking_snapshots_key_unique', t),
    check('ranking_snapshots_period_type_check', sql`${t.periodType} in ('day', 'week', 'month')`),
    check('ranking_snapshots_order_field_check', sql`${t.orderField} in ('units_sold', 'gmv')`),
    check('ranking_snapshots_period_check', sql`${t.periodEnd} >= ${t.periodStart}`),
    index('ranking_snapshots_period_idx').on(t.periodType, t.periodStart),
    // data_completeness (docs/queries.sql) counts every ranking by period type and region, and
    // the periods among them, from this index alone (an index-only scan in its order, no sort).
    index('ranking_snapshots_coverage_idx').on(t.periodType, t.region, t.periodValue, t.fetchedAt),
    // The target of the fact tables' foreign keys: their period_start, the partition key, is the
    // snapshot's, and cannot drift from it.
    unique('ranking_snapshots_id_period_start_unique').on(t.id, t.periodStart),
  ],
);

/*
 * The fact tables below are partitioned by RANGE (period_start), one partition a month
 * (`<table>_pYYYY_MM`, created on demand by src/db/partitions.ts). drizzle-kit cannot express
 * PARTITION BY: the partitioning is in migration 0013's SQL; this file describes the columns and
 * keys, each of which includes period_start (Postgres requires the partition key in every
 * primary and unique key) and, for entries and top lives, snapshot_id first.
 */

export const rankingEntries = fastmoss.table(
  'ranking_entries',
  {
    snapshotId: bigint('snapshot_id', { mode: 'number' }).notNull(),
    rank: integer('rank').notNull(),
    creatorUid: tiktokId('creator_uid')
      .notNull()
      .references(() => creators.uid),
    saleProductCount: integer('sale_product_count'),
    liveUnitsSold: bigint('live_units_sold', { mode: 'number' }),
    liveGmv: numeric('live_gmv'),
    liveUsdGmv: numeric('live_usd_gmv'),
    currency: text('currency'),
    liveCount: integer('live_count'),
    followerCount: bigint('follower_count', { mode: 'number' }),
    /** The snapshot's period_start (the partition key), copied so each row finds its partition. */
    periodStart: date('period_start', { mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'ranking_entries_pkey', columns: [t.snapshotId, t.rank, t.periodStart] }),
    foreignKey({
      name: 'ranking_entries_snapshot_fk',
      columns: [t.snapshotId, t.periodStart],
      foreignColumns: [rankingSnapshots.id, rankingSnapshots.periodStart],
    }).onDelete('cascade'),
    check('ranking_entries_rank_check', sql`${t.rank} >= 1`),
    index('ranking_entries_creator_idx').on(t.creatorUid, t.snapshotId),
    // The planner's price of a probe by snapshot alone: see migration 0021.
    index('ranking_entries_snapshot_idx').on(t.snapshotId),
  ],
);

export const rankingTopLives = fastmoss.table(
  'ranking_top_lives',
  {
    snapshotId: bigint('snapshot_id', { mode: 'number' }).notNull(),
    rank: integer('rank').notNull(),
    position: integer('position').notNull(),
    roomId: tiktokId('room_id')
      .notNull()
      .references(() => liveStreams.roomId),
    unitsSold: bigint('units_sold', { mode: 'number' }),
    gmv: numeric('gmv'),
    currency: text('currency'),
    /** The snapshot's period_start (the partition key). */
    periodStart: date('period_start', { mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'ranking_top_lives_pkey',
      columns: [t.snapshotId, t.rank, t.position, t.periodStart],
    }),
    foreignKey({
      name: 'ranking_top_lives_entry_fk',
      columns: [t.snapshotId, t.rank, t.periodStart],
      foreignColumns: [rankingEntries.snapshotId, rankingEntries.rank, rankingEntries.periodStart],
    }).onDelete('cascade'),
    check('ranking_top_lives_position_check', sql`${t.position} >= 1`),
    index('ranking_top_lives_room_id_idx').on(t.roomId),
  ],
);

/*
 * One row per ranking series (the key without its period) and creator it ever listed: the first
 * period it listed them, and the first it ranked them in its top 100. Kept by the writer in the
 * transaction of the entries (src/db/creator-firsts.ts); unpartitioned, so "is this creator new
 * here" is one probe of its unique index, whatever the history's length.
 */
export const rankingCreatorFirsts = fastmoss.table(
  'ranking_creator_firsts',
  {
    creatorUid: tiktokId('creator_uid')
      .notNull()
      .references(() => creators.uid),
    region: text('region').notNull(),
    productCategoryId: integer('product_category_id'),
    creatorCategoryId: integer('creator_category_id'),
    periodType: text('period_type').notNull(),
    orderField: text('order_field').notNull(),
    firstPeriodStart: date('first_period_start', { mode: 'string' }).notNull(),
    firstTop100Start: date('first_top_100_start', { mode: 'string' }),
  },
  (t) => [
    // Creator first: a join on (creator, region) with the series' other columns constant (the
    // analysts' form) reads it by index, as does the writer's lookup of a ranking's creators.
    unique('ranking_creator_firsts_key_unique')
      .on(
        t.creatorUid,
        t.region,
        t.productCategoryId,
        t.creatorCategoryId,
        t.periodType,
        t.orderField,
      )
      .nullsNotDistinct(),
    // "Whose first top-100 period is this one": the creators new to the top, by index.
    index('ranking_creator_firsts_top_idx').on(t.firstTop100Start),
    check('ranking_creator_firsts_top_check', sql`${t.firstTop100Start} >= ${t.firstPeriodStart}`),
  ],
);

export const etlJobs = fastmoss.table(
  'etl_jobs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ...rankingKeyColumns(),
    status: text('status').notNull().default('pending'),
    priority: integer('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    apiCalls: integer('api_calls').notNull().default(0),
    rowsLoaded: integer('rows_loaded').notNull().default(0),
    durationMs: integer('duration_ms'),
    runId: bigint('run_id', { mode: 'number' }).references(() => etlRuns.id, {
      onDelete: 'set null',
    }),
    lockedBy: text('locked_by'),
    lockedUntil: timestamptz('locked_until'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    startedAt: timestamptz('started_at'),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    rankingKeyUnique('etl_jobs_key_unique', t),
    check(
      'etl_jobs_status_check',
      sql`${t.status} in ('pending', 'running', 'succeeded', 'failed', 'not_available')`,
    ),
    check('etl_jobs_period_type_check', sql`${t.periodType} in ('day', 'week', 'month')`),
    check('etl_jobs_order_field_check', sql`${t.orderField} in ('units_sold', 'gmv')`),
    index('etl_jobs_claim_idx').on(t.status, t.priority.desc(), t.id),
    index('etl_jobs_locked_until_idx').on(t.lockedUntil).where(sql`${t.status} = 'running'`),
  ],
);

/**
 * Every page of every loaded ranking, as FastMoss sent it: the warehouse can be rebuilt from here
 * without an API call. One version per (ranking, page), replaced with the ranking.
 */
/**
 * raw_pages ids. A sequence default, not an identity column: Postgres before 17 refuses identity
 * columns on partitioned tables.
 */
export const rawPagesIdSeq = fastmoss.sequence('raw_pages_id_seq');

export const rawPages = fastmoss.table(
  'raw_pages',
  {
    id: bigint('id', { mode: 'number' })
      .notNull()
      .default(sql`nextval('fastmoss.raw_pages_id_seq'::regclass)`),
    ...rankingKeyColumns(),
    page: integer('page').notNull(),
    // The pagesize asked; pages archived before it was recorded were all asked at 100.
    pageSize: integer('page_size').notNull().default(100),
    requestId: text('request_id'),
    httpStatus: integer('http_status').notNull(),
    attempts: integer('attempts').notNull(),
    receivedAt: timestamptz('received_at').notNull(),
    body: text('body').notNull(),
    runId: bigint('run_id', { mode: 'number' }).references(() => etlRuns.id, {
      onDelete: 'set null',
    }),
    // The snapshot the pages were loaded as: the column Citus would distribute the archive by,
    // co-located with the facts. No foreign key: the archive outlives its snapshots (emptying
    // the warehouse must not empty it; `rebuild` loads from it and sets the id again).
    snapshotId: bigint('snapshot_id', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ name: 'raw_pages_pkey', columns: [t.id, t.periodStart] }),
    rankingKeyUnique('raw_pages_key_page_unique', t, t.page, t.periodStart),
    check('raw_pages_page_check', sql`${t.page} >= 1`),
    index('raw_pages_received_at_idx').on(t.receivedAt),
    index('raw_pages_period_idx').on(t.periodStart),
  ],
);

/**
 * Rankings whose pages failed validation: their pages as received, why, and which run saw it,
 * until `replay` loads them. One row per ranking key, the latest failure.
 */
export const quarantine = fastmoss.table(
  'quarantine',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ...rankingKeyColumns(),
    reason: text('reason').notNull(),
    field: text('field'),
    page: integer('page'),
    value: text('value'),
    pages: jsonb('pages').notNull(),
    runId: bigint('run_id', { mode: 'number' }).references(() => etlRuns.id, {
      onDelete: 'set null',
    }),
    quarantinedAt: timestamptz('quarantined_at').notNull().defaultNow(),
  },
  (t) => [rankingKeyUnique('quarantine_key_unique', t)],
);

/**
 * The shared API budget: the next moment a request may start, per API, for every process using
 * this database. Each start reserves a slot and pushes the moment on by one spacing.
 */
export const apiBudget = fastmoss.table('api_budget', {
  api: text('api').primaryKey(),
  nextStartAt: timestamptz('next_start_at').notNull(),
});

/**
 * API calls started per UTC day, per API, by every process on this database: the spend counter
 * ETL_MAX_CALLS_PER_DAY is checked against, taken in the same statement as the rate slot.
 */
export const apiDailyCalls = fastmoss.table(
  'api_daily_calls',
  {
    api: text('api').notNull(),
    day: date('day').notNull(),
    calls: integer('calls').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.api, t.day] }),
    check('api_daily_calls_calls_check', sql`${t.calls} >= 0`),
  ],
);

/**
 * Run stops FastMoss ordered for the whole account (a used-up quota), so every other process on
 * the database stops before its next call instead of paying for the same refusal.
 */
export const apiRunStops = fastmoss.table(
  'api_run_stops',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    api: text('api').notNull(),
    reason: text('reason').notNull(),
    message: text('message').notNull(),
    stoppedAt: timestamptz('stopped_at').notNull().defaultNow(),
  },
  (t) => [index('api_run_stops_api_idx').on(t.api, t.id)],
);

/**
 * Limits of the FastMoss plan behind an API, learnt from its answers, so every process and later
 * run starts from them: the page size it serves at most.
 */
export const apiPlanLimits = fastmoss.table(
  'api_plan_limits',
  {
    api: text('api').primaryKey(),
    pageSizeCap: integer('page_size_cap').notNull(),
    discoveredAt: timestamptz('discovered_at').notNull().defaultNow(),
  },
  (t) => [check('api_plan_limits_page_size_cap_check', sql`${t.pageSizeCap} between 1 and 100`)],
);

/**
 * Credentials kept for the ETL alone, apart from the warehouse: grant-reader gives a BI role
 * schema fastmoss (now and later), never this schema, and the migration revokes it from PUBLIC.
 */
export const fastmossPrivate = pgSchema('fastmoss_private');

/** Signed mode's access token, shared by every process on the database; sealed with the secret. */
export const accessTokens = fastmossPrivate.table(
  'access_tokens',
  {
    api: text('api').notNull(),
    clientId: text('client_id').notNull(),
    sealedToken: text('sealed_token').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.api, t.clientId] })],
);
