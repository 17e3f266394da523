import { recordAudit } from '../../../platform/audit/record.js';
import type { Platform } from '../../../platform/runtime.js';
import { inboundMailJobFor } from './job.js';

/** Who decided, for the audit log. */
export interface MailDecider {
  userId: string;
  ip?: string | null;
  requestId?: string | null;
}

/**
 * An agent vouches for a quarantined mail: it is processed again without the sender and
 * authentication checks (appended to its ticket with the sender added as a participant, or opened
 * as a new ticket). Only a mail still in quarantine is released, once; false otherwise.
 */
export async function releaseMail(platform: Platform, id: string, by?: MailDecider): Promise<boolean> {
  return platform.database.system.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('mail_inbound')
      .select('state')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (row?.state !== 'quarantined') return false;
    // Marked at once, so a second click (or a second agent) finds it no longer in quarantine.
    await trx
      .updateTable('mail_inbound')
      .set({ state: 'pending', reason: 'released' })
      .where('id', '=', id)
      .execute();
    await platform.jobs.enqueue({ trx }, inboundMailJobFor(platform.config), { id, release: true });
    if (by) await audit(trx, by, 'mail.released', id);
    return true;
  });
}

/** Discards a quarantined mail for good (it stays listed, marked discarded). */
export async function discardMail(platform: Platform, id: string, by?: MailDecider): Promise<boolean> {
  return platform.database.system.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('mail_inbound')
      .set({ state: 'discarded', outcome: 'discarded', processed_at: new Date() })
      .where('id', '=', id)
      .where('state', '=', 'quarantined')
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    if (by) await audit(trx, by, 'mail.discarded', id);
    return true;
  });
}

const audit = (trx: Parameters<typeof recordAudit>[0], by: MailDecider, action: string, id: string) =>
  recordAudit(trx, {
    actor: { type: 'user', id: by.userId },
    action,
    target: { type: 'mail', id },
    outcome: 'success',
    ip: by.ip ?? null,
    requestId: by.requestId ?? null,
  });
