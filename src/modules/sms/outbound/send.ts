import type { Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import type { SmsNumberProvider } from '../../../platform/sms/numbers.js';
import { SmsProviderError } from '../../../platform/sms/twilio-api.js';
import { isOptedOut, recordConsent } from '../consent/ledger.js';
import { webhooksFor } from '../numbers/service.js';
import { answersAnyway } from './queue.js';

/** Twilio: "Attempt to send to unsubscribed recipient" (the phone sent STOP to this number). */
export const UNSUBSCRIBED = 21610;
/** A long code carries about one text a second (Twilio queues more, and carriers filter bursts). */
const PACE_MS = 1_000;

export interface SendDeps {
  trx: Transaction<DB>;
  config: Config;
  provider: SmsNumberProvider | null;
  /** A retry: an earlier try may have reached Twilio before it failed. */
  mayHaveSent: boolean;
}

type Outcome = { outcome: 'sent' | 'already-sent' | 'opted-out' | 'refused' | 'gone'; code?: number };

/**
 * Sends one queued text from its line. The line's row is locked for the send, which paces each
 * line to about one text a second across every worker. The SID is stored in the same transaction
 * that marks the text sent; on a retry Twilio is first asked for a text with this body that it took
 * since the row was made and that no other row holds, and that SID is kept instead of sending again.
 * Twilio's refusals are final (no retry): 21610 writes the opt-out to the ledger.
 */
export async function sendQueuedText(deps: SendDeps, id: string): Promise<Outcome> {
  const { trx } = deps;
  const text = await trx
    .selectFrom('sms_messages')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (text?.direction !== 'out' || text.message_sid) return { outcome: 'gone' };
  const number = await trx
    .selectFrom('sms_numbers')
    .select(['id', 'e164', 'last_sent_at', 'released_at'])
    .where('id', '=', text.number_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const fail = async (status: string, code: number | null, outcome: Outcome['outcome']) => {
    await trx.updateTable('sms_messages').set({ status, error_code: code }).where('id', '=', id).execute();
    return { outcome, ...(code ? { code } : {}) };
  };
  if (number.released_at || !deps.provider) return fail('failed', null, 'refused');
  if (!answersAnyway(text.kind) && (await isOptedOut(trx, number.id, text.phone)))
    return fail('canceled', UNSUBSCRIBED, 'opted-out');
  const out = { from: number.e164, to: text.phone, body: text.body };
  if (deps.mayHaveSent) {
    const sid = await earlierSend(deps, deps.provider, out, text.created_at);
    if (sid) return record(trx, id, number.id, sid, 'sent', 'already-sent');
  }
  const wait = number.last_sent_at ? number.last_sent_at.getTime() + PACE_MS - Date.now() : 0;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, PACE_MS)));
  try {
    const sent = await deps.provider.sendText({ ...out, statusCallback: webhooksFor(deps.config).statusUrl });
    return record(trx, id, number.id, sent.sid, sent.status, 'sent');
  } catch (error) {
    if (!(error instanceof SmsProviderError) || error.status >= 500 || error.status === 429) throw error;
    if (error.code === UNSUBSCRIBED)
      await recordConsent(trx, {
        number_id: number.id,
        phone: text.phone,
        opted_out: true,
        source: 'provider',
      });
    return fail('failed', error.code, error.code === UNSUBSCRIBED ? 'opted-out' : 'refused');
  }
}

async function record(
  trx: Transaction<DB>,
  id: string,
  numberId: string,
  sid: string,
  status: string,
  outcome: Outcome['outcome'],
): Promise<Outcome> {
  await trx
    .updateTable('sms_messages')
    .set({ message_sid: sid, status, sent_at: new Date(), attempted_at: new Date() })
    .where('id', '=', id)
    .execute();
  await trx.updateTable('sms_numbers').set({ last_sent_at: new Date() }).where('id', '=', numberId).execute();
  return { outcome };
}

/** A text Twilio took for an earlier try of this one: same line, phone and body, no row holds it. */
async function earlierSend(
  deps: SendDeps,
  provider: SmsNumberProvider,
  out: { from: string; to: string; body: string },
  since: Date,
): Promise<string | null> {
  for (const sid of await provider.findSentTexts(out, since)) {
    const held = await deps.trx
      .selectFrom('sms_messages')
      .select('id')
      .where('message_sid', '=', sid)
      .executeTakeFirst();
    if (!held) return sid;
  }
  return null;
}
