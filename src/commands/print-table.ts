// The plain-text tables commands print (doctor, status, queue-status, sync --dry-run, demo).

/** Rows as aligned columns under a header line; nothing for no rows. */
export function printTable(rows: Array<Record<string, string | number | null>>, out: NodeJS.WritableStream = process.stdout): void {
  if (rows.length === 0) return;
  const headers = Object.keys(rows[0]!);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out.write(`${line(headers)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) out.write(`${line(headers.map((h) => String(row[h] ?? '')))}\n`);
}
