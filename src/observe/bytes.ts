const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];

/**
 * A size as a person reads it, in Postgres's units (pg_size_pretty: 1 kB = 1024 bytes), so it
 * matches what psql shows: `512 bytes`, `9.5 kB`, `240 MB`, `3.1 TB`: a tenth below 10, whole units above.
 */
export function formatBytes(bytes: number): string {
  let value = Number.isFinite(bytes) ? Math.max(0, bytes) : 0;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} bytes`;
  const shown = value < 10 ? value.toFixed(1) : Math.round(value).toString();
  return `${shown} ${UNITS[unit]}`;
}
