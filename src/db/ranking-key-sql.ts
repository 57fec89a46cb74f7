import type { RankingKey } from '../domain/ranking.ts';

/*
 * Matching a table's ranking-key columns to one key in plain SQL. NULL in a category column
 * means "all categories" and must match NULL: against a parameter, `categoryMatches` says so in
 * a form an index serves; between two rows (joins), IS NOT DISTINCT FROM.
 */

/** The six key columns, in the order of `rankingKeyParams`. */
export const RANKING_KEY_COLUMNS =
  'region, product_category_id, creator_category_id, period_type, period_value, order_field';

/**
 * `(alias.col = $n OR ($n IS NULL AND alias.col IS NULL))`: a category column matching a
 * parameter that is NULL for "all". node-postgres sends unnamed statements, which Postgres plans
 * with the parameter's value, so this folds to `col = 5` or to `col IS NULL`, and the key's
 * index serves either; `IS NOT DISTINCT FROM $n`, which means the same, cannot use an index.
 */
function categoryMatches(alias: string, column: string, param: string): string {
  return `(${alias}.${column} = ${param}::int OR (${param}::int IS NULL AND ${alias}.${column} IS NULL))`;
}

/** `alias.region = $n AND ...` for the six key columns, numbered from `first`. */
export function matchesRankingKey(alias: string, first: number): string {
  const p = (offset: number) => `$${first + offset}`;
  return `${alias}.region = ${p(0)}
    AND ${categoryMatches(alias, 'product_category_id', p(1))}
    AND ${categoryMatches(alias, 'creator_category_id', p(2))}
    AND ${alias}.period_type = ${p(3)} AND ${alias}.period_value = ${p(4)}
    AND ${alias}.order_field = ${p(5)}`;
}

/** `alias.region = $n AND ...` for the five series columns of `seriesParams`, from `first`. */
export function matchesRankingSeries(alias: string, first: number): string {
  const p = (offset: number) => `$${first + offset}`;
  return `${alias}.region = ${p(0)}
    AND ${categoryMatches(alias, 'product_category_id', p(1))}
    AND ${categoryMatches(alias, 'creator_category_id', p(2))}
    AND ${alias}.period_type = ${p(3)} AND ${alias}.order_field = ${p(4)}`;
}

/** The series of a key (the key without its period value), in `matchesRankingSeries` order. */
export function seriesParams(key: RankingKey): (string | number | null)[] {
  return [key.region, key.productCategoryId, key.creatorCategoryId, key.periodType, key.orderField];
}

/** `a` and `b` rows of the same series: the key without the period value. */
export function sameRankingSeries(a: string, b: string): string {
  return `${a}.region = ${b}.region
    AND ${a}.product_category_id IS NOT DISTINCT FROM ${b}.product_category_id
    AND ${a}.creator_category_id IS NOT DISTINCT FROM ${b}.creator_category_id
    AND ${a}.period_type = ${b}.period_type AND ${a}.order_field = ${b}.order_field`;
}

/** `a` and `b` rows of the same ranking key. */
export function sameRankingKey(a: string, b: string): string {
  return `${sameRankingSeries(a, b)} AND ${a}.period_value = ${b}.period_value`;
}

export function rankingKeyParams(key: RankingKey): (string | number | null)[] {
  return [
    key.region,
    key.productCategoryId,
    key.creatorCategoryId,
    key.periodType,
    key.periodValue,
    key.orderField,
  ];
}

/** A key read back from a row of any table with the key columns. */
export interface RankingKeyRow {
  region: string;
  product_category_id: number | null;
  creator_category_id: number | null;
  period_type: string;
  period_value: string;
  order_field: string;
}

export function rankingKeyOf(row: RankingKeyRow): RankingKey {
  return {
    region: row.region as RankingKey['region'],
    productCategoryId: row.product_category_id,
    creatorCategoryId: row.creator_category_id,
    periodType: row.period_type as RankingKey['periodType'],
    periodValue: row.period_value,
    orderField: row.order_field as RankingKey['orderField'],
  };
}
