import type { TFunction } from 'i18next';
import { recordAuthEvent, recordAuthFailure } from '../../../identity/auth-events.js';
import type { AuthContext, AuthDeps } from '../../../identity/context.js';
import { findUserById, type UserRow } from '../../../identity/users/repo.js';
import { translator } from '../../../platform/i18n/catalog.js';
import { SealedBox } from '../../../platform/secrets/sealed-box.js';
import { AppError } from '../../../shared/errors.js';
import { mailWords } from '../mail-words.js';
import { limit } from '../throttle.js';
import { regenerateBackupCodes, useBackupCode } from './backup-codes.js';
import { advanceStep, confirmedFactors, deleteFactor, findFactor, insertFactor } from './factors-repo.js';
import { matchTotp, newTotpSecret, totpQrSvg, totpUri } from './totp.js';

/** Where a password- or link-authenticated sign-in stands with respect to the second factor. */
export type MfaState = 'done' | 'pending' | 'enroll';

// Ten wrong codes per quarter hour per account: a 6-digit code then has a 1-in-100,000 chance a
// quarter hour, well within NIST SP 800-63B §5.2.2's limit on online guessing.
const CODE_ATTEMPTS = { limit: 10, windowSeconds: 900 } as const;

const box = (deps: AuthDeps) => new SealedBox(deps.config.SECRET_KEY!, 'totp');

export async function mfaStateAfterFirstFactor(deps: AuthDeps, user: UserRow): Promise<MfaState> {
  if ((await confirmedFactors(deps.db, user.id)).length > 0) return 'pending';
  const required = deps.config.MFA_REQUIRED_ROLES.split(',')
    .map((r) => r.trim())
    .filter((r) => r && r !== 'none');
  return user.roles.some((role) => required.includes(role)) ? 'enroll' : 'done';
}

export interface TotpSetup {
  factorId: string;
  secret: string;
  uri: string;
  qrSvg: string;
}

/** Starts a TOTP enrolment: an unconfirmed factor until a first code proves the app has the seed. */
export async function startTotpSetup(deps: AuthDeps, ctx: AuthContext, user: UserRow): Promise<TotpSetup> {
  const secret = newTotpSecret();
  const factorId = await insertFactor(ctx.trx, {
    user_id: user.id,
    kind: 'totp',
    label: 'Authenticator app',
    secret_sealed: box(deps).seal(secret),
  });
  const uri = totpUri(secret, 'Switchboard', user.email);
  return { factorId, secret, uri, qrSvg: await totpQrSvg(uri) };
}

/**
 * The enrolment still waiting for its first code, as it was shown: the same secret and QR code, so
 * a mistyped code never throws away what the app has already scanned. Undefined once confirmed.
 */
export async function pendingTotpSetup(
  deps: AuthDeps,
  user: UserRow,
  factorId: string,
): Promise<TotpSetup | undefined> {
  const factor = /^[0-9a-f-]{36}$/i.test(factorId) ? await findFactor(deps.db, user.id, factorId) : undefined;
  if (factor?.kind !== 'totp' || factor.confirmed_at || !factor.secret_sealed) return undefined;
  const secret = box(deps).open(factor.secret_sealed);
  const uri = totpUri(secret, 'Switchboard', user.email);
  return { factorId, secret, uri, qrSvg: await totpQrSvg(uri) };
}

/** Confirms an enrolment with a first code; returns fresh backup codes when this is the first factor. */
export async function confirmTotp(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
  factorId: string,
  code: string,
): Promise<string[] | undefined> {
  await limit(deps, `mfa:${user.id}`, CODE_ATTEMPTS);
  const factor = await findFactor(ctx.trx, user.id, factorId);
  if (factor?.kind !== 'totp' || factor.confirmed_at || !factor.secret_sealed)
    throw new AppError('not_found', 'No such pending authenticator.');
  const step = matchTotp(box(deps).open(factor.secret_sealed), code);
  if (step === undefined || !(await advanceStep(ctx.trx, factor.id, step, true)))
    throw new AppError('invalid_code');
  return factorAdded(deps, ctx, user, (t) => t('mail:securityNotice.factor.authenticatorAdded'));
}

/**
 * After a factor is confirmed: notify the owner, and hand out backup codes when it is their first
 * (so losing that one device does not lock them out).
 */
export async function factorAdded(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
  what: FactorChange,
): Promise<string[] | undefined> {
  const first = (await confirmedFactors(ctx.trx, user.id)).length === 1;
  const codes = first ? await regenerateBackupCodes(ctx.trx, deps.config.SECRET_KEY!, user.id) : undefined;
  await factorChanged(deps, ctx, user, what);
  return codes;
}

/**
 * Checks a TOTP code against the user's confirmed apps; a code is good once. A code already used
 * in its window (RFC 6238 §5.2) is refused, audited and told to the owner: someone else has it.
 * A wrong code answers false rather than throwing, so the audit entry and the notice commit with
 * the transaction; the route refuses afterwards.
 */
export async function verifyTotp(
  deps: AuthDeps,
  ctx: AuthContext,
  userId: string,
  code: string,
): Promise<boolean> {
  await limit(deps, `mfa:${userId}`, CODE_ATTEMPTS);
  let replayed = false;
  for (const factor of await confirmedFactors(ctx.trx, userId)) {
    if (factor.kind !== 'totp' || !factor.secret_sealed) continue;
    const step = matchTotp(box(deps).open(factor.secret_sealed), code);
    if (step === undefined) continue;
    if (await advanceStep(ctx.trx, factor.id, step, false)) {
      await recordAuthEvent(ctx.trx, 'mfa_succeeded', ctx.meta, userId, { method: 'totp' });
      return true;
    }
    replayed = true;
  }
  await recordAuthEvent(ctx.trx, 'mfa_failed', ctx.meta, userId, {
    method: 'totp',
    ...(replayed ? { reason: 'replayed' } : {}),
  });
  if (replayed) await tellOwnerOfReplay(deps, ctx, userId);
  return false;
}

async function tellOwnerOfReplay(deps: AuthDeps, ctx: AuthContext, userId: string): Promise<void> {
  const user = await findUserById(ctx.trx, userId);
  if (!user) return;
  const t = mailWords(user);
  await deps.mail.queue(ctx.trx, user, 'security-notice', {
    name: user.display_name,
    headline: t('mail:securityNotice.codeReplayed'),
    details: [
      t('mail:securityNotice.replayRefused', { ip: ctx.meta.ip }),
      t('mail:securityNotice.replayKnowsPassword'),
    ],
  });
}

export async function verifyBackupCode(
  deps: AuthDeps,
  ctx: AuthContext,
  userId: string,
  code: string,
): Promise<void> {
  await limit(deps, `mfa:${userId}`, CODE_ATTEMPTS);
  if (!(await useBackupCode(ctx.trx, deps.config.SECRET_KEY!, userId, code))) {
    recordAuthFailure(ctx, 'mfa_failed', userId, { method: 'backup_code' });
    throw new AppError('invalid_code');
  }
  await recordAuthEvent(ctx.trx, 'mfa_succeeded', ctx.meta, userId, { method: 'backup_code' });
}

export async function removeFactor(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
  factorId: string,
): Promise<void> {
  const result = await deleteFactor(ctx.trx, user.id, factorId);
  if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', 'No such factor.');
  await factorChanged(deps, ctx, user, (t) => t('mail:securityNotice.factor.removed'));
}

export async function newBackupCodes(deps: AuthDeps, ctx: AuthContext, user: UserRow): Promise<string[]> {
  const codes = await regenerateBackupCodes(ctx.trx, deps.config.SECRET_KEY!, user.id);
  await factorChanged(deps, ctx, user, (t) => t('mail:securityNotice.factor.newBackupCodes'));
  return codes;
}

/** What changed, as a sentence in a given language: the audit log keeps English, the mail the owner's. */
export type FactorChange = (t: TFunction) => string;

/** Every factor change is audited and mailed to the owner (ASVS 5.0 V6.3.7). */
export async function factorChanged(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRow,
  what: FactorChange,
): Promise<void> {
  await recordAuthEvent(ctx.trx, 'factor_changed', ctx.meta, user.id, { what: what(translator('en')) });
  const t = mailWords(user);
  await deps.mail.queue(ctx.trx, user, 'security-notice', {
    name: user.display_name,
    headline: t('mail:securityNotice.factorChanged'),
    details: [what(t), t('mail:securityNotice.notYouFactor')],
  });
}

export async function requireUser(deps: AuthDeps, userId: string): Promise<UserRow> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('unauthenticated');
  return user;
}
