import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import '../mail/table.js';
import type { OutgoingSms, SmsSender } from './port.js';

/** Development sender: texts land in the dev outbox next to mail, written in the job's transaction. */
export class OutboxSmsSender implements SmsSender {
  async send(sms: OutgoingSms, trx: Transaction<DB>): Promise<{ providerId: string }> {
    const row = await trx
      .insertInto('outbox_messages')
      .values({ channel: 'sms', recipient: sms.to, subject: null, body_text: sms.body, body_html: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { providerId: row.id };
  }
}
