import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../../config.js';
import type { AuthContext } from '../../../identity/context.js';
import type { DB } from '../../../platform/db/schema.js';
import { SealedBox } from '../../../platform/secrets/sealed-box.js';
import { auditMailSetting, type MailActor, userIdOf } from './audit.js';
import { deleteForwardSecret, findForwardSecret, saveForwardSecret } from './repo.js';

/** After a rotation the replaced secret is still taken this long, while the worker is updated. */
export const FORWARD_GRACE_SECONDS = 600;

const box = (config: Config) => new SealedBox(config.SECRET_KEY!, 'mail-forward-secret');

export interface ForwardingStatus {
  /** MAIL_FORWARD_SECRET is set (it keeps working beside a stored one). */
  configured: boolean;
  stored: { updatedAt: Date; previousUntil: Date | null } | null;
}

export async function forwardingStatus(db: Kysely<DB>, config: Config): Promise<ForwardingStatus> {
  const row = await findForwardSecret(db);
  const previousUntil = row?.previous_until && row.previous_until > new Date() ? row.previous_until : null;
  return {
    configured: Boolean(config.MAIL_FORWARD_SECRET),
    stored: row ? { updatedAt: row.updated_at, previousUntil } : null,
  };
}

/**
 * Every secret a forwarded mail may be signed with: MAIL_FORWARD_SECRET, the stored one, and the
 * one it replaced while its grace period lasts. Empty means forwarding is off. A stored value that
 * no longer opens (SECRET_KEY changed) is left out, not an error for the sender.
 */
export async function acceptedForwardSecrets(db: Kysely<DB>, config: Config): Promise<string[]> {
  const secrets = config.MAIL_FORWARD_SECRET ? [config.MAIL_FORWARD_SECRET] : [];
  const row = config.SECRET_KEY ? await findForwardSecret(db) : undefined;
  if (!row) return secrets;
  const sealed = [row.sealed];
  if (row.previous_sealed && row.previous_until && row.previous_until > new Date())
    sealed.push(row.previous_sealed);
  for (const value of sealed) {
    try {
      secrets.push(box(config).open(value));
    } catch {
      // Sealed under another SECRET_KEY: generate a new secret on /admin/mail/forwarding.
    }
  }
  return secrets;
}

/**
 * Makes a new forwarding secret (256 bits, base64url) and returns it: the only time it is shown.
 * A secret it replaces keeps working for FORWARD_GRACE_SECONDS.
 */
export async function generateForwardSecret(ctx: AuthContext, config: Config, actor: MailActor) {
  const secret = randomBytes(32).toString('base64url');
  const current = await findForwardSecret(ctx.trx, true);
  const previousUntil = current ? new Date(Date.now() + FORWARD_GRACE_SECONDS * 1000) : null;
  await saveForwardSecret(ctx.trx, {
    sealed: box(config).seal(secret),
    previous_sealed: current?.sealed ?? null,
    previous_until: previousUntil,
    updated_by: userIdOf(actor),
  });
  const action = current ? 'forward_secret_rotated' : 'forward_secret_generated';
  await auditMailSetting(
    ctx,
    actor,
    action,
    { type: 'mail_setting', id: 'forward_secret' },
    { previousUntil },
  );
  return { secret, previousUntil };
}

/** Forgets the stored secret (and a replaced one still in its grace period) at once. */
export async function removeForwardSecret(ctx: AuthContext, actor: MailActor): Promise<boolean> {
  const removed = await deleteForwardSecret(ctx.trx);
  if (removed)
    await auditMailSetting(ctx, actor, 'forward_secret_removed', {
      type: 'mail_setting',
      id: 'forward_secret',
    });
  return removed;
}
