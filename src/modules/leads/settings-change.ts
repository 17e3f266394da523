import type { AuthContext } from '../../identity/context.js';
import { recordAudit } from '../../platform/audit/record.js';
import { AppError, type FieldError } from '../../shared/errors.js';
import { EMAIL } from './contact-check.js';
import type { LeadActor } from './context.js';
import { saveLeadSettings } from './settings.js';

const MAX_SERVICES = 12;
const MAX_SERVICE = 80;

/**
 * Sets the services the contact form offers (one per line; none: the defaults) and the address
 * the team's mail goes to (empty: each person who manages leads). Audited.
 */
export async function changeLeadSettings(
  ctx: AuthContext,
  actor: LeadActor,
  input: { services: string; notifyEmail: string },
): Promise<void> {
  const services = [
    ...new Set(
      input.services
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const notifyEmail = input.notifyEmail.trim().toLowerCase() || null;
  const errors: FieldError[] = [];
  if (services.length > MAX_SERVICES || services.some((s) => s.length > MAX_SERVICE))
    errors.push({
      pointer: '/body/services',
      detail: `Up to ${MAX_SERVICES} services of up to ${MAX_SERVICE} characters.`,
      said: { key: 'leads:errors.services', values: { count: MAX_SERVICES, length: MAX_SERVICE } },
    });
  if (notifyEmail && (notifyEmail.length > 254 || !EMAIL.test(notifyEmail)))
    errors.push({
      pointer: '/body/notifyEmail',
      detail: 'Not an email address.',
      said: { key: 'leads:errors.notifyEmail' },
    });
  if (errors.length > 0) throw new AppError('validation_failed', errors[0]!.detail, { errors });
  await saveLeadSettings(ctx.trx, { services, notifyEmail });
  await recordAudit(ctx.trx, {
    actor,
    action: 'lead.settings_changed',
    outcome: 'success',
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId ?? null,
    details: { services: services.length, notifyAddress: notifyEmail !== null },
  });
}
