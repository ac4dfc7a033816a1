/** RFC 4180 CSV lines: what spreadsheets, pandas and Python's `csv` module read without options. */

/** A cell: text, a number, or empty (`null`/`undefined`). */
export type CsvValue = string | number | null | undefined;

/**
 * One CSV line, CRLF-terminated as RFC 4180 says; a cell holding a comma, a quote or a line break is quoted, its
 * quotes doubled. (The export writes no free text a client chose: ids, enums, numbers and timestamps only.)
 */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
