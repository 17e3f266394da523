import {
  type Insertable,
  type Kysely,
  type Selectable,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { LeadsTable, Stage } from './table.js';
import './table.js';

type Db = Kysely<DB> | Transaction<DB>;
export type LeadRow = Selectable<LeadsTable>;

const COLUMNS = [
  'leads.id',
  'leads.name',
  'leads.email',
  'leads.phone',
  'leads.company',
  'leads.service',
  'leads.message',
  'leads.locale',
  'leads.consent_at',
  'leads.stage',
  'leads.owner_id',
  'leads.customer_id',
  'leads.ticket_id',
  'leads.converted_at',
  'leads.created_at',
  'leads.updated_at',
] as const;

/** A lead as lists and pages show it: the row and its owner's name. */
export type LeadView = LeadRow & { owner_name: string | null };

export interface LeadFilter {
  stage?: Stage | undefined;
  /** An owner's id, or `none` for leads nobody owns yet. */
  owner?: string | undefined;
  /** Part of the name, address or company, any case. */
  q?: string | undefined;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filtered(db: Db, filter: LeadFilter) {
  let query = db.selectFrom('leads').leftJoin('users as owner', 'owner.id', 'leads.owner_id');
  if (filter.stage) query = query.where('leads.stage', '=', filter.stage);
  if (filter.owner === 'none') query = query.where('leads.owner_id', 'is', null);
  else if (filter.owner) query = query.where('leads.owner_id', '=', filter.owner);
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('leads.name', 'ilike', pattern),
        eb('leads.email', 'ilike', pattern),
        eb('leads.company', 'ilike', pattern),
      ]),
    );
  }
  return query;
}

/** One page of leads, newest first, and how many match in all. */
export async function listLeads(
  db: Db,
  filter: LeadFilter,
  page: { offset: number; limit: number },
): Promise<{ items: LeadView[]; total: number }> {
  const [items, count] = await Promise.all([
    filtered(db, filter)
      .select([...COLUMNS, 'owner.display_name as owner_name'])
      .orderBy('leads.created_at', 'desc')
      .orderBy('leads.id', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    filtered(db, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** Every matching lead, oldest first, a batch at a time (the CSV export streams them). */
export async function* allLeads(db: Db, filter: LeadFilter, batch = 500): AsyncGenerator<LeadView> {
  for (let offset = 0; ; offset += batch) {
    const rows = await filtered(db, filter)
      .select([...COLUMNS, 'owner.display_name as owner_name'])
      .orderBy('leads.created_at')
      .orderBy('leads.id')
      .offset(offset)
      .limit(batch)
      .execute();
    yield* rows;
    if (rows.length < batch) return;
  }
}

export function findLead(db: Db, id: string): Promise<LeadView | undefined> {
  return db
    .selectFrom('leads')
    .leftJoin('users as owner', 'owner.id', 'leads.owner_id')
    .select([...COLUMNS, 'owner.display_name as owner_name'])
    .where('leads.id', '=', id)
    .executeTakeFirst();
}

/** The lead, locked for the rest of the transaction (two people converting it at once: one wins). */
export const lockLead = (trx: Transaction<DB>, id: string): Promise<LeadRow | undefined> =>
  trx.selectFrom('leads').select(COLUMNS).where('leads.id', '=', id).forUpdate().executeTakeFirst();

export const insertLead = (trx: Transaction<DB>, values: Insertable<LeadsTable>) =>
  trx.insertInto('leads').values(values).returning('id').executeTakeFirstOrThrow();

export const updateLead = (trx: Transaction<DB>, id: string, changes: Updateable<LeadsTable>) =>
  trx
    .updateTable('leads')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .executeTakeFirst();

export async function deleteLead(trx: Transaction<DB>, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('leads').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export const insertNote = (
  trx: Transaction<DB>,
  values: { lead_id: string; author_id: string | null; body: string },
) => trx.insertInto('lead_notes').values(values).returning(['id', 'created_at']).executeTakeFirstOrThrow();

export const listNotes = (db: Db, leadId: string) =>
  db
    .selectFrom('lead_notes')
    .leftJoin('users', 'users.id', 'lead_notes.author_id')
    .select([
      'lead_notes.id',
      'lead_notes.body',
      'lead_notes.created_at',
      'lead_notes.author_id',
      'users.display_name as author_name',
    ])
    .where('lead_notes.lead_id', '=', leadId)
    .orderBy('lead_notes.created_at')
    .execute();
