import type { AuthContext } from '../../../identity/context.js';
import { recordAudit } from '../../../platform/audit/record.js';

/** Who changed a mail setting: a person, or an integration acting as itself (the API). */
export interface MailActor {
  type: 'user' | 'api_client';
  id: string | null;
}

export const userIdOf = (actor: MailActor): string | null => (actor.type === 'user' ? actor.id : null);

/** One audit entry for a change to the email channel's settings, in the change's transaction. */
export const auditMailSetting = (
  ctx: AuthContext,
  actor: MailActor,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
) =>
  recordAudit(ctx.trx, {
    actor,
    action: `mail.${action}`,
    target,
    outcome: 'success',
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId ?? null,
    details,
  });
