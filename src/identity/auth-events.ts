import type { Transaction } from 'kysely';
import { recordAudit } from '../platform/audit/record.js';
import type { DB } from '../platform/db/schema.js';

export type AuthEventType =
  | 'signup'
  | 'email_verified'
  | 'login_succeeded'
  | 'login_failed'
  | 'login_throttled'
  | 'magic_link_sent'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_changed'
  | 'logout'
  | 'session_revoked'
  | 'session_evicted'
  | 'mfa_succeeded'
  | 'mfa_failed'
  | 'factor_changed'
  | 'user_invited'
  | 'invitation_accepted'
  | 'user_disabled'
  | 'user_enabled'
  | 'permission_denied'
  | 'roles_changed'
  | 'mfa_reset';

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  requestId?: string;
}

const FAILURES = new Set<AuthEventType>(['login_failed', 'login_throttled', 'mfa_failed']);
/** Events that happen before anyone has proven who they are: the actor is unknown. */
const UNAUTHENTICATED = new Set<AuthEventType>([
  ...FAILURES,
  'signup',
  'magic_link_sent',
  'password_reset_requested',
  'password_reset',
]);

/**
 * Records an account event in the audit log (`auth.<type>`), about `userId`. The actor is the
 * administrator in `details.by` when there is one (null there means the CLI), else the user
 * themselves once signed in, else an unknown visitor. Details never carry a secret (password,
 * token, code): callers pass identifiers and reasons, and the log strips secret-looking keys.
 */
export async function recordAuthEvent(
  trx: Transaction<DB>,
  type: AuthEventType,
  meta: RequestMeta,
  userId: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  const by = 'by' in details ? (details.by as string | null) : undefined;
  const actor =
    by !== undefined
      ? { type: by ? ('user' as const) : ('cli' as const), id: by }
      : meta.ip === 'cli'
        ? { type: 'cli' as const, id: null }
        : userId && !UNAUTHENTICATED.has(type)
          ? { type: 'user' as const, id: userId }
          : { type: 'anonymous' as const, id: null };
  await recordAudit(trx, {
    actor,
    action: `auth.${type}`,
    target: userId ? { type: 'user', id: userId } : undefined,
    outcome: type === 'permission_denied' ? 'denied' : FAILURES.has(type) ? 'failure' : 'success',
    ip: meta.ip,
    userAgent: meta.userAgent,
    requestId: meta.requestId ?? null,
    details,
  });
}

export interface AuthEventInput {
  type: AuthEventType;
  userId: string | null;
  details?: Record<string, unknown>;
}

/**
 * Notes a failed attempt. It is written even though the use case goes on to throw (and roll back
 * its transaction): a failure that left no trace would hide a guessing attack from the audit log.
 */
export function recordAuthFailure(
  ctx: { failures: AuthEventInput[] },
  type: AuthEventType,
  userId: string | null,
  details: Record<string, unknown> = {},
): void {
  ctx.failures.push({ type, userId, details });
}
