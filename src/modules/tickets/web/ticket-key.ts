import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';
import { assertVisible, type TicketActor } from '../policy.js';
import { findTicketByNumber, type TicketRow } from '../repo/tickets.js';

const KEY = /^SB-(\d{1,18})$/i;

/**
 * The ticket a page address names (`/tickets/SB-10423`, `/inbox/SB-10423`), when the actor may see
 * it. Malformed keys, unknown tickets and other people's tickets are all the same 404.
 */
export async function ticketByKey(db: Kysely<DB>, actor: TicketActor, key: string): Promise<TicketRow> {
  const match = KEY.exec(key);
  return assertVisible(actor, match ? await findTicketByNumber(db, match[1]!) : undefined);
}
