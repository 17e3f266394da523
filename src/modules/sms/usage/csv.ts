import { csvRecord } from '../../../shared/csv.js';
import type { UsageRow } from './repo.js';

/**
 * A month's usage as CSV: one line per number, then one per user (names, a `+` phone number too,
 * are written so a spreadsheet never runs them as a formula: shared/csv.ts).
 */
export function usageCsv(month: string, numbers: UsageRow[], users: UsageRow[]): string {
  let csv = csvRecord(['month', 'kind', 'id', 'name', 'texts', 'segments', 'cost']);
  for (const [kind, rows] of [
    ['number', numbers],
    ['user', users],
  ] as const)
    for (const r of rows) csv += csvRecord([month, kind, r.key, r.name, r.texts, r.segments, r.cost]);
  return csv;
}
