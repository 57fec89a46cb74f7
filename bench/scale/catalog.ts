import type pg from 'pg';

/*
 * The schema fastmoss as the catalog describes it, one line per object (tables and partitions
 * with their bounds and options, columns, constraints with their enforcement, indexes with their
 * parents, triggers, comments), for telling whether a warehouse built some faster way has exactly
 * the schema a migrated database gets. Data-dependent figures (sizes, statistics, oids) are left out.
 */

const CATALOG_LINES = `
WITH rels AS (
  SELECT c.oid, c.relname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'fastmoss'
)
SELECT format('relation %s kind=%s persistence=%s options=%s partition_of=%s bound=%s comment=%s',
              c.relname, c.relkind, c.relpersistence, c.reloptions,
              (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                WHERE i.inhrelid = c.oid),
              pg_get_expr(c.relpartbound, c.oid), obj_description(c.oid, 'pg_class')) AS line
  FROM pg_class c JOIN rels r ON r.oid = c.oid
UNION ALL
SELECT format('column %s.%s type=%s notnull=%s default=%s storage=%s compression=%s comment=%s',
              r.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              pg_get_expr(d.adbin, d.adrelid), a.attstorage, a.attcompression,
              col_description(a.attrelid, a.attnum))
  FROM pg_attribute a JOIN rels r ON r.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT format('constraint %s.%s def=%s enforced=%s validated=%s local=%s inherited=%s parent=%s comment=%s',
              r.relname, k.conname, pg_get_constraintdef(k.oid), to_jsonb(k)->>'conenforced',
              k.convalidated, k.conislocal, k.coninhcount,
              (SELECT p.conname FROM pg_constraint p WHERE p.oid = k.conparentid),
              obj_description(k.oid, 'pg_constraint'))
  FROM pg_constraint k JOIN rels r ON r.oid = k.conrelid
UNION ALL
SELECT format('index %s def=%s valid=%s parent=%s comment=%s',
              r.relname, pg_get_indexdef(x.indexrelid), x.indisvalid,
              (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                WHERE i.inhrelid = x.indexrelid),
              obj_description(x.indexrelid, 'pg_class'))
  FROM pg_index x JOIN rels r ON r.oid = x.indexrelid
UNION ALL
SELECT format('trigger %s.%s def=%s enabled=%s internal=%s comment=%s',
              r.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, t.tgisinternal,
              obj_description(t.oid, 'pg_trigger'))
  FROM pg_trigger t JOIN rels r ON r.oid = t.tgrelid
 WHERE NOT t.tgisinternal
ORDER BY 1`;

/** The catalog lines of schema fastmoss, sorted. */
export async function catalogLines(db: pg.Pool | pg.ClientBase): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(CATALOG_LINES);
  return rows.map((row) => row.line);
}

/** Lines only in `actual` (+) or only in `expected` (-). */
export function catalogDifferences(actual: string[], expected: string[]): string[] {
  const expectedSet = new Set(expected);
  const actualSet = new Set(actual);
  return [
    ...actual.filter((line) => !expectedSet.has(line)).map((line) => `+ ${line}`),
    ...expected.filter((line) => !actualSet.has(line)).map((line) => `- ${line}`),
  ];
}
