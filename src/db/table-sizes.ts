import type { ClientBase, Pool } from 'pg';

/*
 * The warehouse's size by table, read from the catalog only (no table is scanned, nothing is
 * locked beyond what the size functions take, and no privilege on the tables is needed, so the
 * reader role sees it too). A partitioned table's size is the sum over its partition tree
 * (pg_partition_tree; a plain table is a tree of one); its partitions are listed
 * under it, never as tables of their own.
 */

/** Bytes and rows of one table, or of one partition. */
export interface RelationSize {
  name: string;
  /** pg_total_relation_size summed over the tree: heap, every index, TOAST. */
  bytes: number;
  /**
   * Planner's row estimate (pg_class.reltuples) summed over the tree; null while some part of
   * it was never vacuumed or analyzed (reltuples -1), when Postgres does not know yet.
   */
  rowsEstimate: number | null;
}

export interface TableSize extends RelationSize {
  /**
   * The table's partitions, leaves and intermediate ones, by name descending (monthly names
   * sort newest first); [] for a plain table.
   */
  partitions: (RelationSize & { level: number })[];
}

export interface WarehouseSize {
  schema: string;
  /** Every table of the schema, largest first. */
  tables: TableSize[];
  totalBytes: number;
}

interface TreeRow {
  root: string;
  name: string;
  level: number;
  bytes: string;
  rows: string;
  unknown: boolean;
}

/**
 * The members of `root`'s partition tree, the table itself at level 0. pg_partition_tree lists
 * a partitioned table's tree (itself included) but returns no row for a plain table.
 */
const TREE_OF_ROOT = `
  SELECT tree.relid, tree.level FROM pg_partition_tree(root.oid) tree WHERE root.relkind = 'p'
  UNION ALL SELECT root.oid, 0 WHERE root.relkind <> 'p'`;

/** One row per member of each root table's partition tree (the root itself at level 0). */
const TREE_SQL = `
  SELECT root.relname AS root, member.relname AS name, t.level,
         pg_total_relation_size(t.relid) AS bytes,
         CASE WHEN member.relkind = 'p' THEN 0 ELSE greatest(member.reltuples, 0) END AS rows,
         member.relkind <> 'p' AND member.reltuples < 0 AS unknown
  FROM pg_class root
  JOIN pg_namespace n ON n.oid = root.relnamespace
  CROSS JOIN LATERAL (${TREE_OF_ROOT}) t
  JOIN pg_class member ON member.oid = t.relid
  WHERE n.nspname = $1 AND root.relkind IN ('r', 'p') AND NOT root.relispartition`;

function relationOf(rows: TreeRow[], name: string): RelationSize {
  return {
    name,
    bytes: rows.reduce((sum, row) => sum + Number(row.bytes), 0),
    rowsEstimate: rows.some((row) => row.unknown)
      ? null
      : Math.round(rows.reduce((sum, row) => sum + Number(row.rows), 0)),
  };
}

/** Every table of `schema` (default fastmoss) with its size, partitions summed under their parent. */
export async function readWarehouseSize(
  db: Pool | ClientBase,
  schema = 'fastmoss',
): Promise<WarehouseSize> {
  const result = await db.query<TreeRow>(TREE_SQL, [schema]);
  const byRoot = new Map<string, TreeRow[]>();
  for (const row of result.rows) {
    byRoot.set(row.root, [...(byRoot.get(row.root) ?? []), row]);
  }
  const tables: TableSize[] = [...byRoot].map(([root, rows]) => ({
    ...relationOf(rows, root),
    partitions: rows
      .filter((row) => row.level > 0)
      .map((row) => ({ ...relationOf([row], row.name), level: row.level }))
      .sort((a, b) => b.name.localeCompare(a.name)),
  }));
  tables.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  return { schema, tables, totalBytes: tables.reduce((sum, table) => sum + table.bytes, 0) };
}

/**
 * Bytes and planner rows of one table (`schema.table`) over its partition tree; null when it
 * does not exist.
 */
export async function relationTreeStats(
  db: Pool | ClientBase,
  qualifiedName: string,
): Promise<{ bytes: number; rows: number } | null> {
  const result = await db.query<{ bytes: string | null; rows: string | null }>(
    `SELECT sum(pg_total_relation_size(t.relid)) AS bytes,
            sum(CASE WHEN c.relkind = 'p' THEN 0 ELSE greatest(c.reltuples, 0) END) AS rows
     FROM pg_class root CROSS JOIN LATERAL (${TREE_OF_ROOT}) t JOIN pg_class c ON c.oid = t.relid
     WHERE root.oid = to_regclass($1)`,
    [qualifiedName],
  );
  const row = result.rows[0];
  if (row?.bytes === null || row?.bytes === undefined) return null;
  return { bytes: Number(row.bytes), rows: Number(row.rows ?? 0) };
}
