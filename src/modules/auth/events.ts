import type { ColumnType, Generated, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

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
  | 'roles_changed';

export interface AuthEventsTable {
  id: Generated<number>;
  user_id: string | null;
  type: string;
  ip: string | null;
  user_agent: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  created_at: Generated<Date>;
}

declare module '../../platform/db/schema.js' {
  interface DB {
    auth_events: AuthEventsTable;
  }
}

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

/**
 * Records who did what, from where, for the audit log. Details never carry a secret (password,
 * token, code): callers pass identifiers and reasons only.
 */
export async function recordAuthEvent(
  trx: Transaction<DB>,
  type: AuthEventType,
  meta: RequestMeta,
  userId: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await trx
    .insertInto('auth_events')
    .values({
      type,
      user_id: userId,
      ip: meta.ip,
      user_agent: meta.userAgent,
      details: JSON.stringify(details),
    })
    .execute();
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
