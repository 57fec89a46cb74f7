import { z } from 'zod';
import {
  type Config,
  parseCategoryIds,
  parseOrderFields,
  parsePeriodTypes,
  parseRegions,
  type Selection,
} from '../config.ts';
import { ConfigError } from '../domain/errors.ts';
import { type IsoDate, parseIsoDate, utcToday } from '../plan/periods.ts';

/** `backfill` flags as commander hands them over: strings and booleans, all optional. */
export const backfillFlagsSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  periods: z.string().optional(),
  regions: z.string().optional(),
  productCategories: z.string().optional(),
  creatorCategories: z.string().optional(),
  orderby: z.string().optional(),
  force: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
});
export type BackfillFlags = z.input<typeof backfillFlagsSchema>;

export interface BackfillOptions {
  from: IsoDate;
  to: IsoDate;
  selection: Selection;
  force: boolean;
  dryRun: boolean;
  json: boolean;
}

function isoDate(flag: string, value: string): IsoDate {
  if (!parseIsoDate(value))
    throw new ConfigError(`${flag} must be a date like 2026-04-01, got '${value}'`);
  return value;
}

/** Flags over the environment's selection; a flag left out keeps the configured value. */
export function resolveBackfillOptions(
  flags: BackfillFlags,
  config: Config,
  now: Date,
): BackfillOptions {
  const parsed = backfillFlagsSchema.parse(flags);
  if (parsed.from === undefined) throw new ConfigError('backfill needs --from YYYY-MM-DD');
  const from = isoDate('--from', parsed.from);
  const to = parsed.to === undefined ? utcToday(now) : isoDate('--to', parsed.to);
  if (from > to) throw new ConfigError(`--from ${from} is after --to ${to}`);
  const base = config.selection;
  return {
    from,
    to,
    force: parsed.force,
    dryRun: parsed.dryRun,
    json: parsed.json,
    selection: {
      regions:
        parsed.regions === undefined ? base.regions : parseRegions(parsed.regions, '--regions'),
      productCategoryIds:
        parsed.productCategories === undefined
          ? base.productCategoryIds
          : parseCategoryIds(parsed.productCategories, '--product-categories'),
      creatorCategoryIds:
        parsed.creatorCategories === undefined
          ? base.creatorCategoryIds
          : parseCategoryIds(parsed.creatorCategories, '--creator-categories'),
      orderFields:
        parsed.orderby === undefined
          ? base.orderFields
          : parseOrderFields(parsed.orderby, '--orderby'),
      periodTypes:
        parsed.periods === undefined
          ? base.periodTypes
          : parsePeriodTypes(parsed.periods, '--periods'),
    },
  };
}
