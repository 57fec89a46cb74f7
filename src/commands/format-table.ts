/** A plain left-aligned text table, numbers right-aligned, for terminal output. */
export function formatTable(header: string[], rows: (string | number | null)[][]): string {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (cell === null ? '-' : String(cell)))),
  ];
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'),
  );
  return cells
    .map((row) =>
      row
        .map((cell, column) =>
          numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
