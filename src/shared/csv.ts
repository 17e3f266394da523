/**
 * One CSV field as RFC 4180 writes it: always quoted, quotes doubled (lines end in CRLF). A text
 * starting with = + - @ (or a tab or carriage return, which some spreadsheets read past) gets a
 * leading `'`, so a spreadsheet shows it instead of running it as a formula (OWASP CSV injection).
 * Objects are written as their JSON.
 */
export function csvField(value: unknown): string {
  const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '');
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A CSV record: its fields and the CRLF that ends it. */
export const csvRecord = (values: readonly unknown[]): string => `${values.map(csvField).join(',')}\r\n`;
