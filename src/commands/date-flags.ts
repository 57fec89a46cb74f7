import { ConfigError } from '../domain/errors.ts';
import { EARLIEST_RANKING_DAY, type IsoDate, parseIsoDate } from '../plan/periods.ts';

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `--from` / `--to` value as a checked day, or a ConfigError that says what is wrong with it:
 * not shaped like a date, not a day of the calendar, or before FastMoss has any ranking.
 */
export function dateFlag(flag: string, value: string): IsoDate {
  const text = value.trim();
  if (!DATE_SHAPE.test(text)) {
    throw new ConfigError(`${flag} must be a date like 2026-04-01 (YYYY-MM-DD), got '${value}'`);
  }
  if (!parseIsoDate(text)) {
    throw new ConfigError(`${flag} ${text} is not a day of the calendar (check the month and day)`);
  }
  if (text < EARLIEST_RANKING_DAY) {
    throw new ConfigError(
      `${flag} ${text} is before ${EARLIEST_RANKING_DAY}: TikTok Shop opened in April 2021, ` +
        `so FastMoss has no ranking earlier; give ${EARLIEST_RANKING_DAY} or later`,
    );
  }
  return text;
}

/** `--from` must not come after `--to`. */
export function checkDateOrder(from: IsoDate, to: IsoDate): void {
  if (from > to) {
    throw new ConfigError(
      `--to ${to} is before --from ${from}; the range runs from --from, the earlier day, to --to`,
    );
  }
}
