import { translator } from '../../../platform/i18n/catalog.js';
import type { RouteDeps } from '../inbound/route.js';
import { queueText } from '../outbound/queue.js';
import type { ConsentKeyword } from './keywords.js';
import { isOptedOut, recordConsent } from './ledger.js';

/**
 * A STOP, START or HELP text: the ledger gets the change (a STOP when already out, or a START when
 * not, changes nothing and is not answered again), and the phone one confirmation from the line,
 * in the keyword's language. HELP is answered with SMS_HELP_TEXT, or a sentence saying what the
 * line is and how to stop.
 */
export async function answerKeyword(
  deps: RouteDeps,
  text: { id: string; phone: string },
  numberId: string,
  word: ConsentKeyword,
): Promise<{ outcome: 'opt-out' | 'opt-in' | 'help' }> {
  const t = translator(word.locale);
  const reply = (body: string, kind: 'consent' | 'help') =>
    queueText(deps.trx, deps, { numberId, phone: text.phone, body, kind });
  if (word.action === 'help') {
    await reply(deps.config.SMS_HELP_TEXT ?? t('sms:consent.help'), 'help');
    return { outcome: 'help' };
  }
  const optingOut = word.action === 'opt-out';
  if ((await isOptedOut(deps.trx, numberId, text.phone)) !== optingOut) {
    await recordConsent(deps.trx, {
      number_id: numberId,
      phone: text.phone,
      opted_out: optingOut,
      source: 'keyword',
      keyword: word.keyword,
      message_id: text.id,
    });
    await reply(t(optingOut ? 'sms:consent.optedOut' : 'sms:consent.optedIn'), 'consent');
  }
  return { outcome: word.action };
}
