import { csvRecord } from '../../shared/csv.js';
import type { LeadView } from './repo.js';

/** The export's columns; every cell goes through csvField, so no lead field runs as a formula. */
export const CSV_HEADER = [
  'id',
  'created_at',
  'stage',
  'name',
  'email',
  'phone',
  'company',
  'service',
  'message',
  'owner',
  'converted_at',
] as const;

export const leadCsvLine = (lead: LeadView) =>
  csvRecord([
    lead.id,
    lead.created_at.toISOString(),
    lead.stage,
    lead.name,
    lead.email,
    lead.phone,
    lead.company,
    lead.service,
    lead.message,
    lead.owner_name,
    lead.converted_at?.toISOString(),
  ]);

/** The whole export, row by row: a byte-order mark (so Excel reads UTF-8), the header, the leads. */
export async function* leadsCsv(leads: AsyncIterable<LeadView>): AsyncGenerator<string> {
  yield `\uFEFF${csvRecord(CSV_HEADER)}`;
  for await (const lead of leads) yield leadCsvLine(lead);
}
