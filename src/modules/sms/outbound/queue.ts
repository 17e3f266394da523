import type { Transaction } from 'kysely';
import type { Config } from '../../../config.js';
import type { DB } from '../../../platform/db/schema.js';
import type { JobEnqueuer } from '../../../platform/jobs/define.js';
import { AppError } from '../../../shared/errors.js';
import { refuseOverBudget } from '../budgets/stop.js';
import { isOptedOut } from '../consent/ledger.js';
import type { SmsKind } from '../table.js';
import { smsSendJob } from './job.js';
import { countSegments } from './segments.js';

/**
 * What a phone gets even after STOP: the confirmation of that STOP, and an answer to HELP (CTIA's
 * Messaging Principles require both).
 */
export const answersAnyway = (kind: SmsKind): boolean => kind === 'consent' || kind === 'help';

/** Twilio's limit on a text's body (error 21617). */
export const MAX_TEXT = 1600;

export interface TextToQueue {
  numberId: string;
  phone: string;
  body: string;
  kind: SmsKind;
  ticketId?: string | null;
  ticketMessageId?: string | null;
  /** The user the text is sent for (an agent's reply), so its cost counts for them. */
  sentBy?: string | null;
}

/**
 * Queues a text from one of our lines, in the caller's transaction: the row (its segments as the
 * phone will count them) and its send job commit together with whatever caused it. A phone that
 * opted out of the line gets nothing: 409, said in the reader's language (`answersAnyway` aside);
 * nor does a text charged to a budget whose hard stop it reached this month.
 */
export async function queueText(
  trx: Transaction<DB>,
  deps: { config: Config; jobs: JobEnqueuer },
  text: TextToQueue,
): Promise<{ id: string }> {
  const body = text.body.trim();
  if (body.length === 0 || body.length > MAX_TEXT) {
    const detail = `A text is 1 to ${MAX_TEXT} characters.`;
    throw new AppError('validation_failed', detail, {
      errors: [
        {
          pointer: '/body/body',
          detail,
          said: { key: 'sms:texts.errors.length', values: { max: MAX_TEXT } },
        },
      ],
    });
  }
  if (!answersAnyway(text.kind) && (await isOptedOut(trx, text.numberId, text.phone)))
    throw new AppError(
      'conflict',
      'This phone has opted out of texts from this number (it sent STOP); nothing was sent.',
      {
        said: { key: 'sms:texts.errors.optedOut' },
      },
    );
  if (!answersAnyway(text.kind)) await refuseOverBudget(trx, text.sentBy ?? null);
  const counted = countSegments(body);
  const row = await trx
    .insertInto('sms_messages')
    .values({
      direction: 'out',
      number_id: text.numberId,
      phone: text.phone,
      body,
      status: 'queued',
      kind: text.kind,
      segments: counted.segments,
      encoding: counted.encoding,
      ticket_id: text.ticketId ?? null,
      ticket_message_id: text.ticketMessageId ?? null,
      sent_by: text.sentBy ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await deps.jobs.enqueue({ trx }, smsSendJob(deps.config), { id: row.id });
  return row;
}
