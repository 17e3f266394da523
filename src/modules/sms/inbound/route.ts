import { sql, type Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import type { JobEnqueuer } from '../../../platform/jobs/define.js';
import type { SmsNumberProvider } from '../../../platform/sms/numbers.js';
import type { FileStorage } from '../../../platform/storage/port.js';
import { appendFromChannel, openFromChannel } from '../../tickets/index.js';
import { answerKeyword } from '../consent/answer.js';
import { consentKeyword } from '../consent/keywords.js';
import { findNumber } from '../numbers/repo.js';
import type { SmsOutcome } from '../table.js';
import { fetchMedia } from './media.js';
import { phoneCustomer, userByVerifiedPhone } from './sender.js';

export interface RouteDeps {
  trx: Transaction<DB>;
  config: Config;
  jobs: JobEnqueuer;
  storage: FileStorage;
  provider: SmsNumberProvider | null;
}

interface Routed {
  outcome: SmsOutcome;
  ticketId?: string;
  ticketMessageId?: string;
}

/**
 * Where one stored text goes. The sender is the user who verified that phone; a phone nobody
 * verified becomes a new unverified customer (or, with SMS_NEW_SENDERS=reject, opens nothing).
 * A text within SMS_QUIET_HOURS of the last one between this line and this phone continues that
 * ticket; later, it opens a new one: in the team line's category, or for a personal line, in
 * the owner's hands.
 */
export async function routeText(deps: RouteDeps, id: string): Promise<Routed | null> {
  const text = await deps.trx
    .selectFrom('sms_messages')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!text || text.processed_at) return null;
  const number = await findNumber(deps.trx, text.number_id);
  if (!number) return null;
  // One phone's texts on one line take turns, so two at once cannot both open a ticket.
  await sql`select pg_advisory_xact_lock(hashtext(${`sms:${number.id}:${text.phone}`}))`.execute(deps.trx);
  const routed = await decide(deps, text, number);
  await deps.trx
    .updateTable('sms_messages')
    .set({
      outcome: routed.outcome,
      ticket_id: routed.ticketId ?? null,
      ticket_message_id: routed.ticketMessageId ?? null,
      processed_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  return routed;
}

type Text = { id: string; phone: string; body: string; media: { url: string; contentType: string }[] };
type NumberRow = NonNullable<Awaited<ReturnType<typeof findNumber>>>;

async function decide(deps: RouteDeps, text: Text, number: NumberRow): Promise<Routed> {
  const keyword = text.media.length === 0 ? consentKeyword(text.body) : null;
  if (keyword) return answerKeyword(deps, text, number.id, keyword);
  const verified = await userByVerifiedPhone(deps.trx, text.phone);
  if (verified?.status === 'disabled') return { outcome: 'refused-disabled' };
  if (!verified && deps.config.SMS_NEW_SENDERS === 'reject') return { outcome: 'refused-unknown' };
  const sender = verified ?? (await phoneCustomer(deps.trx, text.phone));
  if (sender.status === 'disabled') return { outcome: 'refused-disabled' };
  const { files, missed } = await fetchMedia(deps.provider, text.media, deps.config.SMS_MEDIA_MAX_BYTES);
  const note = missed > 0 ? `\n\n_(Not kept: ${missed} of the text's media.)_` : '';
  const body = (text.body.trim() || (files.length > 0 ? '(picture message)' : '(empty text)')) + note;
  const channel = { trx: deps.trx, config: deps.config, jobs: deps.jobs, storage: deps.storage };
  const ongoing = await ongoingTicket(deps, number.id, text);
  if (ongoing) {
    const added = await appendFromChannel(channel, ongoing, {
      authorId: sender.id,
      body,
      channel: 'sms',
      files,
    });
    return { outcome: 'reply', ticketId: ongoing, ticketMessageId: added.messageId };
  }
  const opened = await openFromChannel(channel, {
    requesterId: sender.id,
    subject: subjectOf(text.body),
    body,
    channel: 'sms',
    categoryId: number.owner_id ? null : number.category_id,
    files,
  });
  return { outcome: 'new-ticket', ticketId: opened.ticketId, ticketMessageId: opened.messageId };
}

/** The ticket of the last text between this line and this phone, when it was recent enough. */
async function ongoingTicket(deps: RouteDeps, numberId: string, text: Text): Promise<string | null> {
  const since = new Date(Date.now() - deps.config.SMS_QUIET_HOURS * 3_600_000);
  const last = await deps.trx
    .selectFrom('sms_messages')
    .select('ticket_id')
    .where('number_id', '=', numberId)
    .where('phone', '=', text.phone)
    .where('id', '!=', text.id)
    .where('ticket_id', 'is not', null)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.ticket_id ?? null;
}

/** The text's first line, cut at a word, as the ticket's subject. */
function subjectOf(body: string): string {
  const line = body.trim().split('\n')[0]!.trim();
  if (!line) return 'Text message';
  if (line.length <= 80) return line;
  const cut = line.slice(0, 80);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 80)}…`;
}
