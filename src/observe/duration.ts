const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration as a person reads it, in its two largest units: `0.4 s`, `45 s`, `2 min 5 s`,
 * `1 h 2 min`, `4 d 0 h`. Under ten seconds it keeps a tenth, which a summary of a fast run needs.
 */
export function formatDuration(seconds: number): string {
  const value = Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
  if (value < 10) {
    const tenths = Math.round(value * 10) / 10;
    if (tenths < 10) return `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)} s`;
  }
  const whole = Math.round(value);
  if (whole < MINUTE) return `${whole} s`;
  if (whole < HOUR) return `${Math.floor(whole / MINUTE)} min ${whole % MINUTE} s`;
  const minutes = Math.round(whole / MINUTE);
  if (minutes * MINUTE < DAY) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  const hours = Math.round(whole / HOUR);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
