import type { AuthContext, AuthDeps } from '../../identity/context.js';
import { authDeps } from '../../identity/ports.js';
import { recordAudit } from '../../platform/audit/record.js';
import type { ActorType } from '../../platform/audit/table.js';
import type { JobEnqueuer } from '../../platform/jobs/define.js';
import type { Platform } from '../../platform/runtime.js';
import type { FileStorage } from '../../platform/storage/port.js';

/** What the leads use cases need: the auth ports, plus jobs and storage for a conversion's ticket. */
export interface LeadDeps extends AuthDeps {
  jobs: JobEnqueuer;
  storage: FileStorage;
}

export const leadDeps = (platform: Platform): LeadDeps => ({
  ...authDeps(platform),
  jobs: platform.jobs,
  storage: platform.storage,
});

/** Who changed a lead: a person, an integration acting as itself (the API), or a visitor. */
export interface LeadActor {
  type: ActorType;
  id: string | null;
}

export const userIdOf = (actor: LeadActor): string | null => (actor.type === 'user' ? actor.id : null);

/**
 * One audit entry for a lead, in the change's transaction. Details name what changed (stage,
 * owner, ids), never what the visitor wrote: the log outlives the lead and holds no personal data.
 */
export const auditLead = (
  ctx: AuthContext,
  actor: LeadActor,
  action: string,
  leadId: string,
  details: Record<string, unknown> = {},
) =>
  recordAudit(ctx.trx, {
    actor,
    action: `lead.${action}`,
    target: { type: 'lead', id: leadId },
    outcome: 'success',
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId ?? null,
    details,
  });
