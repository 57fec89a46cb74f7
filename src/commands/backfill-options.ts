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
import { type IsoDate, utcToday } from '../plan/periods.ts';
import { checkDateOrder, dateFlag } from './date-flags.ts';

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

/** Flags over the environment's selection; a flag left out keeps the configured value. */
export function resolveBackfillOptions(
  flags: BackfillFlags,
  config: Config,
  now: Date,
): BackfillOptions {
  const parsed = backfillFlagsSchema.parse(flags);
  if (parsed.from === undefined) {
    throw new ConfigError(
      'backfill needs --from YYYY-MM-DD, the first day to load (--to defaults to today)',
    );
  }
  const from = dateFlag('--from', parsed.from);
  const to = parsed.to === undefined ? undefined : dateFlag('--to', parsed.to);
  const today = utcToday(now);
  if (from > today) {
    throw new ConfigError(
      `--from ${from} is in the future (today is ${today}, UTC): a ranking is loaded once its ` +
        'period has ended, so nothing in this range can be loaded yet',
    );
  }
  if (to !== undefined) checkDateOrder(from, to);
  const base = config.selection;
  return {
    from,
    to: to ?? today,
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
